import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** A client the test OpenID provider knows. */
export interface OidcTestClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
}

export interface OidcTestProvider {
  issuer: string;
  child: ChildProcess;
}

/**
 * Starts the test OpenID provider (oidc-provider is ESM only, so it runs as its
 * own `node` process: oidc-provider.fixture.mjs) and resolves with its issuer
 * once it listens. It signs in whoever the `login_hint` names.
 */
export async function startOidcProvider(clients: OidcTestClient[]): Promise<OidcTestProvider> {
  const child = spawn(process.execPath, [join(__dirname, 'oidc-provider.fixture.mjs'), JSON.stringify(clients)], {
    // Its stderr holds only oidc-provider's development warnings; a pipe nobody reads could fill and stall it.
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const issuer = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { issuer: string }).issuer);
    });
    child.once('exit', (code) => reject(new Error(`the OpenID provider fixture exited (${code})`)));
    setTimeout(() => reject(new Error('the OpenID provider fixture did not start')), 30_000).unref();
  });
  return { issuer, child };
}
