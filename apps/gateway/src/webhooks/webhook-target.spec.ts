import { urlProblems, vettedAddress } from './webhook-target';

const strict = { allowLoopback: false };
const loopbackAllowed = { allowLoopback: true };

describe('webhook URLs', () => {
  it('takes https URLs without credentials up to 2048 characters', () => {
    expect(urlProblems('https://sis.example.org/hooks?district=1', strict)).toEqual([]);
    expect(urlProblems(`https://sis.example.org/${'a'.repeat(2048)}`, strict)).toEqual(['url must be at most 2048 characters']);
  });

  it('refuses plain http, other schemes, credentials and relative URLs', () => {
    expect(urlProblems('http://sis.example.org/hooks', strict)).toEqual(['url must start with https://']);
    expect(urlProblems('ftp://sis.example.org/hooks', strict)).toEqual(['url must start with https://']);
    expect(urlProblems('https://user:secret@sis.example.org/hooks', strict)).toEqual(['url must not contain a user name or password']);
    expect(urlProblems('/hooks', strict)).toHaveLength(1);
  });

  it('allows plain http only to loopback, and only when loopback is allowed', () => {
    expect(urlProblems('http://127.0.0.1:8080/hooks', loopbackAllowed)).toEqual([]);
    expect(urlProblems('http://[::1]:8080/hooks', loopbackAllowed)).toEqual([]);
    expect(urlProblems('http://127.0.0.1:8080/hooks', strict)).toEqual(['url must start with https://']);
    expect(urlProblems('http://sis.example.org/hooks', loopbackAllowed)).toEqual(['url must start with https://']);
  });
});

describe('webhook target addresses', () => {
  it.each([
    'https://10.0.0.5/',
    'https://172.16.3.4/',
    'https://192.168.1.1/',
    'https://127.0.0.1/',
    'https://169.254.169.254/latest/meta-data',
    'https://100.64.0.1/',
    'https://0.0.0.0/',
    'https://[::1]/',
    'https://[fe80::1]/',
    'https://[fd00:ec2::254]/',
    'https://[::ffff:10.0.0.5]/',
    'https://224.0.0.1/',
  ])('refuses %s', async (url) => {
    expect(await vettedAddress(url, strict)).toEqual({ problem: expect.stringContaining('private, loopback, link-local or reserved') });
  });

  it('takes a public address as it is', async () => {
    expect(await vettedAddress('https://93.184.215.14/hooks', strict)).toEqual({ address: '93.184.215.14', family: 4 });
    expect(await vettedAddress('https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/', strict)).toEqual({ address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 });
  });

  it('allows loopback when configured, but never the other private ranges', async () => {
    expect(await vettedAddress('http://127.0.0.1:8080/hooks', loopbackAllowed)).toEqual({ address: '127.0.0.1', family: 4 });
    expect(await vettedAddress('https://10.0.0.5/', loopbackAllowed)).toHaveProperty('problem');
    expect(await vettedAddress('https://169.254.169.254/', loopbackAllowed)).toHaveProperty('problem');
  });

  it('checks what a name resolves to', async () => {
    expect(await vettedAddress('https://localhost/hooks', strict)).toHaveProperty('problem');
    expect(await vettedAddress('http://localhost:8080/hooks', loopbackAllowed)).toMatchObject({ address: expect.stringMatching(/^(127\.|::1$)/) });
  });
});
