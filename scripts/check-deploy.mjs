#!/usr/bin/env node
// Static checks of the deployment artifacts (Dockerfile, docker-compose.yml, k8s/),
// for CI machines without Docker or kubectl. Prints one line per check and exits 1
// when any fails.
//
// Kustomize is not run: the checks read the files kustomize would read (resources,
// components, patch files, generator env files) and look at the manifests as
// written, before patches. Compose variables take their ${VAR:-default} defaults,
// so the result does not depend on the caller's environment.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let YAML;
try {
  YAML = await import('yaml');
} catch {
  console.error('check-deploy needs the "yaml" package: npm install --save-dev yaml');
  process.exit(2);
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const APPS = {
  gateway: 'sl_gateway',
  scheduling: 'sl_scheduling',
  'session-log': 'sl_session_log',
  payroll: 'sl_payroll',
  'state-reporting': 'sl_state_reporting',
};
const APP_NAMES = Object.keys(APPS);
const SHUTDOWN_GRACE_MS_DEFAULT = 25_000;
const entryOf = (app) => `dist/apps/${app}/apps/${app}/src/main.js`;

// ---------------------------------------------------------------- reporting

let passed = 0;
let failed = 0;

/** Runs one check: `fn` returns (or throws) the problems it found; none means it passed. */
function check(title, fn) {
  let problems;
  try {
    problems = [fn() ?? []].flat().filter(Boolean);
  } catch (error) {
    problems = [error.message];
  }
  if (problems.length === 0) {
    passed += 1;
    console.log(`ok   ${title}`);
  } else {
    failed += 1;
    console.log(`FAIL ${title}: ${problems.join('; ')}`);
  }
}

// ---------------------------------------------------------------- files

const rel = (path) => relative(ROOT, path) || '.';
const isDir = (path) => existsSync(path) && statSync(path).isDirectory();

function walk(dir, accept) {
  if (!isDir(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return walk(path, accept);
      return accept(entry.name) ? [path] : [];
    });
}

const yamlCache = new Map();

/** Every document of a YAML file as plain JS; throws with the parser's messages. */
function readYaml(path) {
  if (!yamlCache.has(path)) {
    let result;
    try {
      const docs = YAML.parseAllDocuments(readFileSync(path, 'utf8'), { merge: true });
      const errors = docs.flatMap((doc) => doc.errors.map((error) => error.message.split('\n')[0]));
      result = errors.length > 0 ? new Error(errors.slice(0, 2).join('; ')) : docs.map((doc) => doc.toJS()).filter((doc) => doc != null);
    } catch (error) {
      result = error;
    }
    yamlCache.set(path, result);
  }
  const result = yamlCache.get(path);
  if (result instanceof Error) throw new Error(`${rel(path)} does not parse: ${result.message}`);
  return result;
}

/** Like readYaml, but [] for a file that does not parse (its own check reports it). */
function readYamlOrNothing(path) {
  try {
    return readYaml(path);
  } catch {
    return [];
  }
}

/** KEY=VALUE lines, as kustomize's generators read them. */
function readEnvFile(path) {
  const data = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq > 0) data[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return data;
}

// ---------------------------------------------------------------- kustomize

const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const kustomizationIn = (dir) => KUSTOMIZATION_NAMES.map((name) => join(dir, name)).find((path) => existsSync(path));
const isRemote = (ref) => /^(https?:\/\/|git@|github\.com\/|ssh:\/\/)/.test(ref) || ref.includes('?ref=');

/** Every local file a kustomization names, with what for. */
function referencesOf(kustomization) {
  const refs = [];
  const add = (what, value) => {
    if (typeof value === 'string' && value && !value.includes('\n')) refs.push({ what, ref: value });
  };
  for (const field of ['resources', 'components', 'bases', 'crds', 'transformers', 'generators', 'validators']) {
    for (const ref of kustomization[field] ?? []) add(field, ref);
  }
  for (const patch of kustomization.patches ?? []) add('patches', patch?.path);
  for (const patch of kustomization.patchesStrategicMerge ?? []) add('patchesStrategicMerge', patch);
  for (const patch of kustomization.patchesJson6902 ?? []) add('patchesJson6902', patch?.path);
  for (const replacement of kustomization.replacements ?? []) add('replacements', replacement?.path);
  add('openapi', kustomization.openapi?.path);
  for (const field of ['configMapGenerator', 'secretGenerator']) {
    for (const generator of kustomization[field] ?? []) {
      for (const env of [generator.env, ...(generator.envs ?? [])]) add(`${field} ${generator.name}`, env);
      for (const file of generator.files ?? []) add(`${field} ${generator.name}`, String(file).split('=').pop());
    }
  }
  return refs;
}

function missingReferences(kustomizationPath) {
  const dir = dirname(kustomizationPath);
  const [kustomization = {}] = readYaml(kustomizationPath);
  return referencesOf(kustomization)
    .filter(({ ref }) => !isRemote(ref))
    .filter(({ what, ref }) => {
      const path = resolve(dir, ref);
      if (!existsSync(path)) return true;
      const needsKustomization = isDir(path) && ['resources', 'components', 'bases'].includes(what);
      return needsKustomization && !kustomizationIn(path);
    })
    .map(({ what, ref }) => `${what}: ${ref}`);
}

/**
 * The objects a kustomization brings in (its resources and components, recursively,
 * unpatched) and the ConfigMaps/Secrets its generators make, by their unhashed names.
 */
function loadKustomization(dir, seen = new Set()) {
  const path = kustomizationIn(dir);
  const model = { objects: [], generated: [] };
  if (!path || seen.has(path)) return model;
  seen.add(path);
  const [kustomization = {}] = readYamlOrNothing(path);
  for (const ref of [...(kustomization.resources ?? []), ...(kustomization.bases ?? []), ...(kustomization.components ?? [])]) {
    if (typeof ref !== 'string' || isRemote(ref)) continue;
    const target = resolve(dir, ref);
    if (isDir(target)) {
      const inner = loadKustomization(target, seen);
      model.objects.push(...inner.objects);
      model.generated.push(...inner.generated);
    } else if (existsSync(target)) {
      for (const obj of readYamlOrNothing(target)) model.objects.push({ obj, file: target });
    }
  }
  for (const [field, kind] of [['configMapGenerator', 'ConfigMap'], ['secretGenerator', 'Secret']]) {
    for (const generator of kustomization[field] ?? []) {
      const data = {};
      for (const env of [generator.env, ...(generator.envs ?? [])].filter(Boolean)) {
        const envPath = resolve(dir, env);
        if (existsSync(envPath)) Object.assign(data, readEnvFile(envPath));
      }
      for (const literal of generator.literals ?? []) {
        const eq = String(literal).indexOf('=');
        if (eq > 0) data[literal.slice(0, eq)] = literal.slice(eq + 1);
      }
      const existing = model.generated.find((g) => g.kind === kind && g.name === generator.name);
      if (existing && generator.behavior === 'merge') Object.assign(existing.data, data);
      else if (existing) existing.data = data;
      else model.generated.push({ kind, name: generator.name, data });
    }
  }
  return model;
}

/**
 * Secrets the operator creates in the cluster, never generated from a committed
 * file (anyone can read those): name → the keys the apps read from it.
 */
const OPERATOR_SECRETS = { 'sessionledger-secrets': ['JWT_SECRET'], 'sessionledger-gateway-secrets': ['SSO_SECRET_KEY', 'OPS_DASHBOARD_TOKEN'] };
/** Operator-created secrets no committed file may hold. */
const OPERATOR_SECRET_KEYS = Object.values(OPERATOR_SECRETS).flat();

/** A ConfigMap's or Secret's data by name, from manifests or generators. */
function dataOf(model, kind, name) {
  if (kind === 'Secret' && OPERATOR_SECRETS[name]) {
    return Object.fromEntries(OPERATOR_SECRETS[name].map((key) => [key, '(created by the operator)']));
  }
  const generated = model.generated.find((g) => g.kind === kind && g.name === name);
  if (generated) return generated.data;
  const found = model.objects.find(({ obj }) => obj.kind === kind && obj.metadata?.name === name)?.obj;
  if (!found) return undefined;
  const data = { ...(found.stringData ?? {}) };
  for (const [key, value] of Object.entries(found.data ?? {})) {
    data[key] = kind === 'Secret' ? Buffer.from(String(value), 'base64').toString('utf8') : String(value);
  }
  return data;
}

const objectsOf = (model, kind) => model.objects.filter(({ obj }) => obj.kind === kind);
const named = (model, kind, name) => objectsOf(model, kind).find(({ obj }) => obj.metadata?.name === name);
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];

/**
 * The value a container sees for `name`: explicit env wins over envFrom (later
 * sources over earlier), as in Kubernetes. Returns { value } or { problem }.
 */
function envValue(model, container, name) {
  const explicit = (container.env ?? []).filter((entry) => entry.name === name).pop();
  if (explicit) {
    if (explicit.value !== undefined) return { value: String(explicit.value) };
    const ref = explicit.valueFrom?.secretKeyRef ?? explicit.valueFrom?.configMapKeyRef;
    if (!ref) return { problem: `${name} comes from neither a value nor a Secret/ConfigMap key` };
    const kind = explicit.valueFrom.secretKeyRef ? 'Secret' : 'ConfigMap';
    const data = dataOf(model, kind, ref.name);
    if (!data) return { problem: `${name}: ${kind} ${ref.name} does not exist` };
    if (!(ref.key in data)) return { problem: `${name}: ${kind} ${ref.name} has no key ${ref.key}` };
    return { value: data[ref.key], source: `${kind} ${ref.name}/${ref.key}` };
  }
  let found;
  for (const source of container.envFrom ?? []) {
    const kind = source.secretRef ? 'Secret' : 'ConfigMap';
    const data = dataOf(model, kind, (source.secretRef ?? source.configMapRef)?.name) ?? {};
    for (const [key, value] of Object.entries(data)) if ((source.prefix ?? '') + key === name) found = { value };
  }
  return found ?? { problem: `${name} is not set` };
}

function envFromProblems(model, container) {
  return (container.envFrom ?? []).flatMap((source) => {
    const kind = source.secretRef ? 'Secret' : 'ConfigMap';
    const ref = source.secretRef ?? source.configMapRef;
    if (ref?.optional) return [];
    return dataOf(model, kind, ref?.name) ? [] : [`envFrom ${kind} ${ref?.name} does not exist`];
  });
}

function roleProblem(url, role, where) {
  if (!url) return `${where}: no DATABASE_URL`;
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return `${where}: DATABASE_URL is not a URL`;
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) return `${where}: DATABASE_URL is not a postgres URL`;
  const user = decodeURIComponent(parsed.username);
  return user === role ? undefined : `${where}: DATABASE_URL logs in as "${user}", expected "${role}"`;
}

const passwordOf = (url) => {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return undefined;
  }
};

const matchesSelector = (selector, labels) =>
  Object.keys(selector ?? {}).length > 0 &&
  Object.entries(selector).every(([key, value]) => (labels ?? {})[key] === value);

function containerPort(containers, port) {
  return containers
    .flatMap((c) => c.ports ?? [])
    .find((p) => (typeof port === 'number' ? p.containerPort === port : p.name === port || String(p.containerPort) === port));
}

const containersOf = (podSpec) => [...(podSpec?.initContainers ?? []), ...(podSpec?.containers ?? [])];
const argsOf = (container) => [...(container.command ?? []), ...(container.args ?? [])].map(String);

function durationSeconds(value) {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  let total = 0;
  const parts = String(value).match(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g);
  if (!parts) return Number(value);
  for (const part of parts) {
    const [, n, unit] = part.match(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/);
    total += Number(n) * { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001 }[unit];
  }
  return total;
}

// ---------------------------------------------------------------- k8s checks

const K8S = join(ROOT, 'k8s');
const yamlFiles = walk(K8S, (name) => /\.ya?ml$/.test(name) || name === 'Kustomization');

check('k8s/ has YAML files', () => (yamlFiles.length === 0 ? 'none found' : []));
for (const file of yamlFiles) check(`parses ${rel(file)}`, () => void readYaml(file));

const kustomizations = yamlFiles.filter((file) => KUSTOMIZATION_NAMES.includes(file.split('/').pop()));
for (const file of kustomizations) {
  check(`${rel(file)}: every referenced file exists`, () => missingReferences(file).map((m) => `missing ${m}`));
}

const BASE = join(K8S, 'base');
check('k8s/base is a kustomization', () => (kustomizationIn(BASE) ? [] : 'no kustomization.yaml in k8s/base'));
const base = loadKustomization(BASE);

function appDeploymentChecks(app) {
  const found = named(base, 'Deployment', app);
  const where = `k8s base ${app}`;
  check(`${where}: Deployment exists`, () => (found ? [] : 'no Deployment named ' + app));
  if (!found) return;
  const deployment = found.obj;
  const pod = deployment.spec?.template?.spec ?? {};
  const podLabels = deployment.spec?.template?.metadata?.labels ?? {};
  const container = (pod.containers ?? []).find((c) => c.name === app) ?? pod.containers?.[0] ?? {};

  check(`${where}: Deployment selector matches its pod labels`, () =>
    matchesSelector(deployment.spec?.selector?.matchLabels, podLabels) ? [] : 'spec.selector.matchLabels does not match the template labels',
  );

  check(`${where}: APP=${app}, HTTP_PORT is the container port`, () => {
    const problems = [];
    const appEnv = envValue(base, container, 'APP');
    if (appEnv.value !== app) problems.push(appEnv.problem ?? `APP is "${appEnv.value}"`);
    const port = envValue(base, container, 'HTTP_PORT');
    if (port.problem) problems.push(port.problem);
    else if (!containerPort([container], Number(port.value))) problems.push(`no containerPort ${port.value}`);
    return problems;
  });

  check(`${where}: probes on /health/live and /health/ready`, () => {
    const problems = [];
    for (const [probe, path, required] of [
      ['livenessProbe', '/health/live', true],
      ['readinessProbe', '/health/ready', true],
      ['startupProbe', '/health/live', false],
    ]) {
      const spec = container[probe];
      if (!spec) {
        if (required) problems.push(`no ${probe}`);
        continue;
      }
      if (spec.httpGet?.path !== path) problems.push(`${probe} path is ${spec.httpGet?.path ?? '(not httpGet)'}, expected ${path}`);
      else if (!containerPort([container], spec.httpGet.port)) problems.push(`${probe} port ${spec.httpGet.port} is not a container port`);
    }
    return problems;
  });

  check(`${where}: terminationGracePeriodSeconds covers preStop + SHUTDOWN_GRACE_MS`, () => {
    const grace = pod.terminationGracePeriodSeconds;
    if (typeof grace !== 'number') return 'terminationGracePeriodSeconds is not set (default 30)';
    if (grace <= 25) return `terminationGracePeriodSeconds is ${grace}, must be above 25`;
    const shutdown = envValue(base, container, 'SHUTDOWN_GRACE_MS');
    const shutdownSeconds = Number(shutdown.value ?? SHUTDOWN_GRACE_MS_DEFAULT) / 1000;
    const preStop = container.lifecycle?.preStop;
    const sleep = Number(preStop?.sleep?.seconds ?? (preStop?.exec?.command ?? []).find((arg) => /^\d+$/.test(String(arg))) ?? 0);
    return grace > shutdownSeconds + sleep ? [] : `${grace}s <= preStop ${sleep}s + SHUTDOWN_GRACE_MS ${shutdownSeconds}s`;
  });

  check(`${where}: DATABASE_URL logs in as ${APPS[app]}`, () => {
    const url = envValue(base, container, 'DATABASE_URL');
    return url.problem ?? roleProblem(url.value, APPS[app], 'Deployment');
  });

  check(`${where}: ConfigMap and Secret env sources exist`, () => envFromProblems(base, container));

  check(`${where}: non-root, read-only root filesystem, capabilities dropped, resources set`, () => {
    const problems = [];
    const sc = { ...(pod.securityContext ?? {}), ...(container.securityContext ?? {}) };
    if (sc.runAsNonRoot !== true) problems.push('runAsNonRoot is not true');
    if (sc.readOnlyRootFilesystem !== true) problems.push('readOnlyRootFilesystem is not true');
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push('capabilities do not drop ALL');
    if (sc.allowPrivilegeEscalation !== false) problems.push('allowPrivilegeEscalation is not false');
    for (const kind of ['requests', 'limits']) {
      for (const resource of ['cpu', 'memory']) {
        if (!container.resources?.[kind]?.[resource]) problems.push(`no ${resource} ${kind}`);
      }
    }
    return problems;
  });

  check(`${where}: Prometheus scrapes /metrics on the METRICS_PORT container port named metrics, apart from HTTP`, () => {
    const annotations = deployment.spec?.template?.metadata?.annotations ?? {};
    const problems = [];
    if (annotations['prometheus.io/scrape'] !== 'true') problems.push('prometheus.io/scrape is not "true"');
    if ((annotations['prometheus.io/path'] ?? '/metrics') !== '/metrics') problems.push('prometheus.io/path is not /metrics');
    const port = containerPort([container], Number(annotations['prometheus.io/port']));
    if (!port) problems.push('prometheus.io/port is not a container port');
    else if (port.name !== 'metrics') problems.push(`prometheus.io/port ${port.containerPort} is the "${port.name}" port, not "metrics"`);
    const metricsPort = envValue(base, container, 'METRICS_PORT');
    if (metricsPort.problem) problems.push(metricsPort.problem);
    else if (port && Number(metricsPort.value) !== port.containerPort) problems.push(`METRICS_PORT is ${metricsPort.value}, the metrics port ${port.containerPort}`);
    const http = envValue(base, container, 'HTTP_PORT');
    if (port && Number(http.value) === port.containerPort) problems.push('metrics share the HTTP port');
    return problems;
  });

  check(`${where}: JWT_SECRET comes from the operator-created Secret, not optional`, () => {
    const source = (container.envFrom ?? []).find((entry) => entry.secretRef?.name === 'sessionledger-secrets');
    if (!source) return 'no envFrom secretRef sessionledger-secrets';
    if (source.secretRef.optional) return 'sessionledger-secrets is optional: the pod would start without a secret';
    if ((container.env ?? []).some((entry) => entry.name === 'JWT_SECRET')) return 'JWT_SECRET is set in the manifest';
    return [];
  });

  check(
    app === 'gateway'
      ? `${where}: SSO_SECRET_KEY comes from the operator-created Secret sessionledger-gateway-secrets, not optional`
      : `${where}: gets no SSO_SECRET_KEY (the gateway's alone)`,
    () => {
      const entry = (container.env ?? []).find((candidate) => candidate.name === 'SSO_SECRET_KEY');
      const ref = entry?.valueFrom?.secretKeyRef;
      const fromGatewaySecret = (container.envFrom ?? []).some((source) => source.secretRef?.name === 'sessionledger-gateway-secrets');
      if (app !== 'gateway') return entry || fromGatewaySecret ? 'SSO_SECRET_KEY reaches this app' : [];
      if (!ref) return entry ? 'SSO_SECRET_KEY is set in the manifest' : 'no SSO_SECRET_KEY from a secretKeyRef';
      if (ref.name !== 'sessionledger-gateway-secrets' || ref.key !== 'SSO_SECRET_KEY') return `SSO_SECRET_KEY comes from ${ref.name}/${ref.key}`;
      if (ref.optional) return 'the SSO_SECRET_KEY reference is optional: the pod would start without it';
      return envValue(base, container, 'SSO_SECRET_KEY').problem ?? [];
    },
  );

  check(`${where}: Service selects its pods and ports`, () => {
    const services = objectsOf(base, 'Service').filter(({ obj }) => matchesSelector(obj.spec?.selector, podLabels));
    if (services.length === 0) return `no Service selects the ${app} pods`;
    return services.flatMap(({ obj }) =>
      (obj.spec?.ports ?? [])
        .filter((p) => !containerPort(pod.containers ?? [], p.targetPort ?? p.port))
        .map((p) => `Service ${obj.metadata.name} targetPort ${p.targetPort ?? p.port} is not a container port`)
        .concat(
          (obj.spec?.ports ?? [])
            .filter((p) => containerPort(pod.containers ?? [], p.targetPort ?? p.port)?.name === 'metrics')
            .map(() => `Service ${obj.metadata.name} exposes the metrics port`),
        ),
    );
  });

  check(`${where}: HorizontalPodAutoscaler (autoscaling/v2, cpu)`, () => {
    const hpas = objectsOf(base, 'HorizontalPodAutoscaler').filter(
      ({ obj }) => obj.spec?.scaleTargetRef?.kind === 'Deployment' && obj.spec?.scaleTargetRef?.name === app,
    );
    if (hpas.length !== 1) return `${hpas.length} HPAs target Deployment ${app}, expected 1`;
    const { obj } = hpas[0];
    const problems = [];
    if (obj.apiVersion !== 'autoscaling/v2') problems.push(`apiVersion is ${obj.apiVersion}`);
    const cpu = (obj.spec.metrics ?? []).some((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
    if (!cpu) problems.push('no cpu Resource metric');
    const { minReplicas = 1, maxReplicas } = obj.spec;
    if (!(minReplicas >= 1 && maxReplicas >= minReplicas)) problems.push(`replicas ${minReplicas}..${maxReplicas}`);
    if (deployment.spec?.replicas !== undefined) problems.push('the Deployment sets replicas, which resets the HPA on every apply');
    return problems;
  });

  check(`${where}: PodDisruptionBudget (policy/v1) selects its pods`, () => {
    const pdbs = objectsOf(base, 'PodDisruptionBudget').filter(({ obj }) => matchesSelector(obj.spec?.selector?.matchLabels, podLabels));
    if (pdbs.length !== 1) return `${pdbs.length} PDBs select the ${app} pods, expected 1`;
    const { obj } = pdbs[0];
    const problems = [];
    if (obj.apiVersion !== 'policy/v1') problems.push(`apiVersion is ${obj.apiVersion}`);
    if (obj.spec.minAvailable === undefined && obj.spec.maxUnavailable === undefined) problems.push('neither minAvailable nor maxUnavailable');
    return problems;
  });
}

for (const app of APP_NAMES) appDeploymentChecks(app);

// Every Service in every kustomization must select exactly one workload and its ports.
const servicesSeen = new Set();
for (const dir of kustomizations.map(dirname)) {
  const model = loadKustomization(dir);
  for (const { obj, file } of objectsOf(model, 'Service')) {
    const key = `${file}#${obj.metadata?.name}`;
    if (obj.spec?.type === 'ExternalName' || servicesSeen.has(key)) continue;
    servicesSeen.add(key);
    check(`${rel(file)}: Service ${obj.metadata?.name} matches one workload's pod labels and ports`, () => {
      const workloads = model.objects.filter(
        (o) => WORKLOAD_KINDS.includes(o.obj.kind) && matchesSelector(obj.spec?.selector, o.obj.spec?.template?.metadata?.labels),
      );
      if (workloads.length !== 1) return `selects ${workloads.length} workloads, expected 1`;
      const containers = workloads[0].obj.spec.template.spec.containers ?? [];
      return (obj.spec.ports ?? [])
        .filter((p) => !containerPort(containers, p.targetPort ?? p.port))
        .map((p) => `targetPort ${p.targetPort ?? p.port} is not a port of ${workloads[0].obj.kind} ${workloads[0].obj.metadata.name}`);
    });
  }
}

check('k8s base: Ingress routes /api to the gateway Service', () => {
  const gatewayService = named(base, 'Service', 'gateway')?.obj;
  if (!gatewayService) return 'no Service named gateway';
  for (const { obj } of objectsOf(base, 'Ingress')) {
    for (const rule of obj.spec?.rules ?? []) {
      for (const path of rule.http?.paths ?? []) {
        const backend = path.backend?.service;
        if (path.path !== '/api' || backend?.name !== 'gateway') continue;
        const port = backend.port?.name ?? backend.port?.number;
        const servicePort = (gatewayService.spec?.ports ?? []).find((p) => p.name === port || p.port === port);
        if (!servicePort) return `Ingress ${obj.metadata.name} uses port ${port}, which the gateway Service lacks`;
        if (!['Prefix', 'ImplementationSpecific'].includes(path.pathType)) return `pathType ${path.pathType} serves /api only, not /api/...`;
        return [];
      }
    }
  }
  return 'no Ingress rule sends /api to Service gateway';
});

check('k8s base: migration Job runs the five migrations in order, each as its own role', () => {
  const jobs = objectsOf(base, 'Job').filter(({ obj }) => containersOf(obj.spec?.template?.spec).some((c) => argsOf(c).includes('migrate')));
  if (jobs.length !== 1) return `${jobs.length} Jobs run migrate, expected 1`;
  const job = jobs[0].obj;
  const problems = [];
  if (job.spec?.backoffLimit === undefined) problems.push('no backoffLimit');
  if (job.spec?.ttlSecondsAfterFinished === undefined) problems.push('no ttlSecondsAfterFinished');
  if (!['Never', 'OnFailure'].includes(job.spec?.template?.spec?.restartPolicy)) problems.push('restartPolicy must be Never or OnFailure');
  const migrations = containersOf(job.spec.template.spec).filter((c) => argsOf(c).includes('migrate'));
  const order = migrations.map((c) => envValue(base, c, 'APP').value);
  if (order.join() !== APP_NAMES.join()) problems.push(`migrates ${order.join(', ')}; expected ${APP_NAMES.join(', ')}`);
  for (const container of migrations) {
    const app = envValue(base, container, 'APP').value;
    if (!APPS[app]) continue;
    const url = envValue(base, container, 'DATABASE_URL');
    problems.push(url.problem ?? roleProblem(url.value, APPS[app], container.name));
    for (const name of ['MIGRATION_DATABASE_URL', 'APP_DATABASE_PASSWORD']) problems.push(envValue(base, container, name).problem);
    const password = envValue(base, container, 'APP_DATABASE_PASSWORD').value;
    if (password !== undefined && url.value && passwordOf(url.value) !== password) {
      problems.push(`${container.name}: APP_DATABASE_PASSWORD differs from the password in its DATABASE_URL`);
    }
    problems.push(...envFromProblems(base, container));
  }
  return problems;
});

check(`k8s: no committed file sets ${OPERATOR_SECRET_KEYS.join(' or ')} (they come from operator-created Secrets only)`, () => {
  const envFiles = walk(K8S, (name) => /\.env(\.example)?$/.test(name));
  return OPERATOR_SECRET_KEYS.flatMap((key) => {
    const fromEnvFiles = envFiles.filter((file) => key in readEnvFile(file)).map((file) => `${rel(file)} sets ${key}`);
    const fromManifests = yamlFiles.flatMap((file) =>
      readYamlOrNothing(file)
        .filter((obj) => obj.kind === 'Secret' || obj.kind === 'ConfigMap')
        .filter((obj) => key in { ...(obj.data ?? {}), ...(obj.stringData ?? {}) })
        .map((obj) => `${rel(file)}: ${obj.kind} ${obj.metadata?.name} holds ${key}`),
    );
    const fromLiterals = yamlFiles.flatMap((file) =>
      readYamlOrNothing(file).flatMap((obj) =>
        [...(obj.secretGenerator ?? []), ...(obj.configMapGenerator ?? [])]
          .filter((generator) => (generator.literals ?? []).some((literal) => String(literal).startsWith(`${key}=`)))
          .map((generator) => `${rel(file)}: generator ${generator.name} has a ${key} literal`),
      ),
    );
    const fromContainers = yamlFiles.flatMap((file) =>
      readYamlOrNothing(file).flatMap((obj) =>
        containersOf(obj.spec?.template?.spec ?? obj.spec?.jobTemplate?.spec?.template?.spec)
          .filter((container) => (container.env ?? []).some((entry) => entry.name === key && entry.value !== undefined))
          .map((container) => `${rel(file)}: container ${container.name} sets ${key} to a value`),
      ),
    );
    return [...fromEnvFiles, ...fromManifests, ...fromLiterals, ...fromContainers];
  });
});

check('k8s base: no seed-demo (demo overlay only)', () =>
  base.objects
    .filter(({ obj }) => containersOf(obj.spec?.template?.spec ?? obj.spec?.jobTemplate?.spec?.template?.spec).some((c) => argsOf(c).includes('seed-demo')))
    .map(({ obj, file }) => `${obj.kind} ${obj.metadata?.name} in ${rel(file)} runs seed-demo`),
);

const DEMO = join(K8S, 'overlays', 'demo');
check('k8s overlays/demo: runs seed-demo as the gateway, lowers replicas, PostgreSQL password matches', () => {
  if (!kustomizationIn(DEMO)) return 'no kustomization in k8s/overlays/demo';
  const demo = loadKustomization(DEMO);
  const problems = [];
  const seeds = objectsOf(demo, 'Job').flatMap(({ obj }) => containersOf(obj.spec?.template?.spec).filter((c) => argsOf(c).includes('seed-demo')));
  if (seeds.length !== 1) problems.push(`${seeds.length} Jobs run seed-demo, expected 1`);
  for (const container of seeds) {
    if (envValue(demo, container, 'APP').value !== 'gateway') problems.push('seed-demo does not run with APP=gateway');
    const url = envValue(demo, container, 'DATABASE_URL');
    problems.push(url.problem ?? roleProblem(url.value, APPS.gateway, 'seed-demo'));
  }
  const migration = containersOf(objectsOf(demo, 'Job').find(({ obj }) => obj.metadata?.name === 'migrate')?.obj.spec?.template?.spec)[0];
  for (const { obj } of objectsOf(demo, 'StatefulSet')) {
    const postgres = (obj.spec?.template?.spec?.containers ?? []).find((c) => /^postgres(:|$)/.test(String(c.image)));
    if (!postgres || !migration) continue;
    const adminUrl = envValue(demo, migration, 'MIGRATION_DATABASE_URL').value;
    if (passwordOf(adminUrl ?? '') !== envValue(demo, postgres, 'POSTGRES_PASSWORD').value) {
      problems.push('the demo PostgreSQL password differs from the one in MIGRATION_DATABASE_URL');
    }
  }
  const [kustomization] = readYaml(kustomizationIn(DEMO));
  const lowers = JSON.stringify([kustomization.patches, kustomization.replicas]).match(/HorizontalPodAutoscaler|"count"/);
  if (!lowers) problems.push('neither patches the HPAs nor sets replicas');
  return problems;
});

// ---------------------------------------------------------------- image tags

const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

/** A sessionledger image must carry the release's version; no image may float on latest or no tag. */
function imageTagProblem(image, where) {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const name = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  const tag = colon > slash ? withoutDigest.slice(colon + 1) : undefined;
  if (image.includes('@sha256:') && tag !== 'latest') return [];
  if (tag === undefined || tag === 'latest') return [`${where}: ${image} floats (${tag ?? 'no tag'})`];
  if (name.split('/').pop() === 'sessionledger' && tag !== VERSION) return [`${where}: ${image} is not tagged ${VERSION}`];
  return [];
}

/** The image a container runs once kustomize's `images:` transformers of these kustomizations apply. */
function kustomizedImage(image, kustomizationDirs) {
  let result = String(image);
  for (const dir of kustomizationDirs) {
    const [kustomization = {}] = readYamlOrNothing(kustomizationIn(dir) ?? '/nonexistent');
    for (const rule of kustomization.images ?? []) {
      const name = result.split('@')[0].replace(/:[^:/]*$/, '');
      if (name !== rule.name) continue;
      const newName = rule.newName ?? name;
      if (rule.digest) result = `${newName}@${rule.digest}`;
      else result = `${newName}:${rule.newTag ?? result.split(':').pop()}`;
    }
  }
  return result;
}

for (const [label, dirs] of [
  ['k8s base', [BASE]],
  ['k8s overlays/demo', [DEMO, BASE]],
]) {
  check(`${label}: every image is pinned; sessionledger's is tagged ${VERSION} (package.json), in the manifests and after kustomize`, () => {
    const model = loadKustomization(dirs[0]);
    return model.objects.flatMap(({ obj, file }) =>
      containersOf(obj.spec?.template?.spec ?? obj.spec?.jobTemplate?.spec?.template?.spec).flatMap((container) => [
        ...imageTagProblem(String(container.image), `${rel(file)} ${obj.kind} ${obj.metadata?.name} ${container.name}`),
        ...imageTagProblem(kustomizedImage(container.image, [BASE, ...dirs.filter((d) => d !== BASE)]), `${obj.kind} ${obj.metadata?.name} after kustomize images`),
      ]),
    );
  });
}

// ---------------------------------------------------------------- ingress body size

/** The default of an Environment field, read from libs/config (a plain arithmetic initializer). */
function environmentDefault(name) {
  const source = readFileSync(join(ROOT, 'libs', 'config', 'src', 'environment.ts'), 'utf8');
  const match = source.match(new RegExp(`\\b${name}\\s*=\\s*([0-9_ *+]+);`));
  if (!match) throw new Error(`no numeric default for ${name} in libs/config/src/environment.ts`);
  return match[1].replace(/_/g, '').split('*').reduce((product, factor) => product * Number(factor.trim()), 1);
}

/** ingress-nginx sizes: a number of bytes, or k/m/g (powers of 1024). */
function nginxBytes(value) {
  const match = String(value).trim().match(/^(\d+)([kKmMgG]?)$/);
  if (!match) return NaN;
  return Number(match[1]) * { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2].toLowerCase()];
}

check('k8s base: the Ingress body limit equals the gateway\'s largest (ROSTER_UPLOAD_MAX_BYTES, HTTP_BODY_LIMIT_BYTES)', () => {
  const gateway = named(base, 'Deployment', 'gateway')?.obj;
  const container = containersOf(gateway?.spec?.template?.spec).find((c) => c.name === 'gateway');
  if (!container) return 'no gateway container';
  const limitOf = (name) => {
    const { value } = envValue(base, container, name);
    return value !== undefined ? Number(value) : environmentDefault(name);
  };
  const largest = Math.max(limitOf('ROSTER_UPLOAD_MAX_BYTES'), limitOf('HTTP_BODY_LIMIT_BYTES'));
  const ingresses = objectsOf(base, 'Ingress').filter(({ obj }) => JSON.stringify(obj.spec ?? {}).includes('"name":"gateway"'));
  if (ingresses.length === 0) return 'no Ingress routes to the gateway';
  return ingresses.flatMap(({ obj }) => {
    const annotation = obj.metadata?.annotations?.['nginx.ingress.kubernetes.io/proxy-body-size'];
    if (annotation === undefined) return [`Ingress ${obj.metadata.name} has no proxy-body-size (ingress-nginx then refuses bodies over 1 MiB)`];
    const bytes = nginxBytes(annotation);
    return bytes === largest ? [] : [`Ingress ${obj.metadata.name} proxy-body-size ${annotation} is ${bytes} bytes; the gateway takes up to ${largest}`];
  });
});

// ---------------------------------------------------------------- NetworkPolicy

const labelSelectorMatches = (selector, labels = {}) => {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    if (operator === 'In') return values.includes(labels[key]);
    if (operator === 'NotIn') return !values.includes(labels[key]);
    if (operator === 'Exists') return key in labels;
    if (operator === 'DoesNotExist') return !(key in labels);
    return false;
  });
  return byLabels && byExpressions;
};

/** Whether a policy rule's port list admits a container port (by number or name). */
function rulePortAdmits(rulePorts, port, protocol = 'TCP') {
  if (!rulePorts || rulePorts.length === 0) return true;
  return rulePorts.some((p) => (p.protocol ?? 'TCP') === protocol && (p.port === undefined || p.port === port.name || Number(p.port) === port.containerPort));
}

/** A peer of a `from`/`to` list against a source: { namespace, namespaceLabels, podLabels }, in the policy's namespace `home`. */
function peerAdmits(peer, source, home) {
  if (peer.ipBlock) return source.external === true;
  if (source.external) return false;
  const namespaceOk = peer.namespaceSelector ? labelSelectorMatches(peer.namespaceSelector, source.namespaceLabels) : source.namespace === home;
  const podOk = peer.podSelector ? labelSelectorMatches(peer.podSelector, source.podLabels) : true;
  return namespaceOk && podOk;
}

/**
 * Kubernetes' rule: traffic to a pod is allowed when no Ingress policy selects the
 * pod, or when any policy selecting it has a rule admitting the source and port.
 */
function ingressAdmitted(policies, podLabels, port, source, home) {
  const selecting = policies.filter((p) => labelSelectorMatches(p.spec?.podSelector, podLabels) && (p.spec?.policyTypes ?? ['Ingress']).includes('Ingress'));
  if (selecting.length === 0) return true;
  return selecting.some((p) => (p.spec.ingress ?? []).some((rule) => rulePortAdmits(rule.ports, port) && (!rule.from || rule.from.some((peer) => peerAdmits(peer, source, home)))));
}

/** The same for traffic a pod sends to `port` (a number) of an external address. */
function egressAdmitted(policies, podLabels, port, protocol = 'TCP') {
  const selecting = policies.filter((p) => labelSelectorMatches(p.spec?.podSelector, podLabels) && (p.spec?.policyTypes ?? []).includes('Egress'));
  if (selecting.length === 0) return true;
  return selecting.some((p) => (p.spec.egress ?? []).some((rule) => rulePortAdmits(rule.ports, { containerPort: port }, protocol) && (!rule.to || rule.to.some((peer) => peerAdmits(peer, { external: true })))));
}

{
  const home = 'sessionledger';
  const policies = objectsOf(base, 'NetworkPolicy').map(({ obj }) => obj);
  const nsLabels = (name) => ({ 'kubernetes.io/metadata.name': name });
  const sources = {
    ingressController: { namespace: 'ingress-nginx', namespaceLabels: nsLabels('ingress-nginx'), podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
    monitoring: { namespace: 'monitoring', namespaceLabels: nsLabels('monitoring'), podLabels: { 'app.kubernetes.io/name': 'prometheus' } },
    otherNamespace: { namespace: 'default', namespaceLabels: nsLabels('default'), podLabels: { app: 'anything' } },
    sameNamespace: { namespace: home, namespaceLabels: nsLabels(home), podLabels: { 'app.kubernetes.io/name': 'scheduling' } },
    internet: { external: true },
  };

  check('k8s base: NetworkPolicies deny all ingress to the namespace\'s pods unless another policy admits it', () => {
    const denyAll = policies.some((p) => Object.keys(p.spec?.podSelector ?? { x: 1 }).length === 0 && (p.spec?.policyTypes ?? []).includes('Ingress') && (p.spec?.ingress ?? []).length === 0);
    return denyAll ? [] : 'no policy selects every pod (podSelector: {}) with Ingress and no rules';
  });

  for (const app of APP_NAMES) {
    const deployment = named(base, 'Deployment', app)?.obj;
    if (!deployment) continue;
    const labels = { ...deployment.spec?.template?.metadata?.labels };
    const containers = deployment.spec?.template?.spec?.containers ?? [];
    const http = containerPort(containers, 'http');
    const metrics = containerPort(containers, 'metrics');
    check(`k8s base ${app}: NetworkPolicy ${app === 'gateway' ? 'admits the ingress controller to http, and no one else' : 'admits no one to http'}; monitoring reaches metrics`, () => {
      const problems = [];
      if (!http || !metrics) return 'no http or metrics container port';
      for (const [name, source] of Object.entries(sources)) {
        const expected = app === 'gateway' && name === 'ingressController';
        if (ingressAdmitted(policies, labels, http, source, home) !== expected) problems.push(`http from ${name} is ${expected ? 'refused' : 'admitted'}`);
      }
      for (const [name, source] of Object.entries(sources)) {
        const expected = name === 'monitoring';
        if (ingressAdmitted(policies, labels, metrics, source, home) !== expected) problems.push(`metrics from ${name} is ${expected ? 'refused' : 'admitted'}`);
      }
      return problems;
    });

    check(`k8s base ${app}: NetworkPolicy lets it reach DNS, PostgreSQL and Redis${app === 'gateway' ? ' (egress open: webhooks, OpenID, SMTP)' : ', and little else'}`, () => {
      const problems = [];
      for (const [port, protocol] of [[53, 'UDP'], [53, 'TCP'], [5432, 'TCP'], [6379, 'TCP']]) {
        if (!egressAdmitted(policies, labels, port, protocol)) problems.push(`${protocol} ${port} refused`);
      }
      if (app === 'scheduling' && !egressAdmitted(policies, labels, 587)) problems.push('SMTP submission (587) refused: reminders could not be sent');
      if (app !== 'gateway' && egressAdmitted(policies, labels, 443)) problems.push('443 admitted: a back-end service has no business on the internet');
      if (app === 'gateway' && !egressAdmitted(policies, labels, 443)) problems.push('443 refused: webhooks and OpenID sign-in would fail');
      return problems;
    });
  }

  check('k8s base gateway: the queue dashboard port (OPS_DASHBOARD_PORT) is reachable by port-forward only: no policy admits it, no Service targets it', () => {
    const deployment = named(base, 'Deployment', 'gateway')?.obj;
    const container = containersOf(deployment?.spec?.template?.spec).find((c) => c.name === 'gateway');
    if (!container) return 'no gateway container';
    const { value } = envValue(base, container, 'OPS_DASHBOARD_PORT');
    const port = { name: 'ops-dashboard', containerPort: Number(value ?? environmentDefault('OPS_DASHBOARD_PORT')) };
    const problems = Object.entries(sources)
      .filter(([, source]) => ingressAdmitted(policies, deployment.spec.template.metadata?.labels, port, source, home))
      .map(([name]) => `${port.containerPort} admitted from ${name}`);
    for (const { obj } of objectsOf(base, 'Service')) {
      for (const p of obj.spec?.ports ?? []) {
        if (Number(p.targetPort ?? p.port) === port.containerPort || p.targetPort === port.name) problems.push(`Service ${obj.metadata.name} exposes ${port.containerPort}`);
      }
    }
    return problems;
  });

  check('k8s overlays/demo: the demo PostgreSQL and Redis admit the namespace\'s pods', () => {
    const demo = loadKustomization(DEMO);
    const demoPolicies = objectsOf(demo, 'NetworkPolicy').map(({ obj }) => obj);
    const problems = [];
    for (const [name, portName] of [['postgres', 'postgres'], ['redis', 'redis']]) {
      const workload = named(demo, 'StatefulSet', name)?.obj;
      if (!workload) continue;
      const port = containerPort(workload.spec?.template?.spec?.containers ?? [], portName);
      if (!port) { problems.push(`${name} has no ${portName} port`); continue; }
      if (!ingressAdmitted(demoPolicies, workload.spec.template.metadata?.labels, port, sources.sameNamespace, home)) problems.push(`${name} refuses the apps`);
      if (ingressAdmitted(demoPolicies, workload.spec.template.metadata?.labels, port, sources.otherNamespace, home)) problems.push(`${name} admits other namespaces`);
    }
    return problems;
  });
}

// ---------------------------------------------------------------- PostgreSQL connections

/** Connections reserved beyond the apps' pools: superusers (3), the migrate Job, pg_dump, an operator's psql. */
const CONNECTION_HEADROOM = 15;
/** PostgreSQL's default, assumed where a manifest does not state `max_connections`. */
const DEFAULT_MAX_CONNECTIONS = 100;

const maxConnectionsOf = (args) => Number(String(args).match(/max_connections=(\d+)/)?.[1] ?? DEFAULT_MAX_CONNECTIONS);

/**
 * What the apps open at `replicas` per app: each instance's pool, one LISTEN
 * connection for its outbox relay, and for a gateway instance the pool of the
 * roster import it may be running in a child process.
 */
function connectionBudgetProblem(pools, replicas, maxConnections) {
  let total = 0;
  const terms = [];
  for (const app of APP_NAMES) {
    const perInstance = pools[app] + 1 + (app === 'gateway' ? pools[app] : 0);
    total += replicas[app] * perInstance;
    terms.push(`${app} ${replicas[app]}x${perInstance}`);
  }
  const budget = maxConnections - CONNECTION_HEADROOM;
  return total <= budget ? [] : [`${terms.join(' + ')} = ${total} connections; max_connections ${maxConnections} leaves ${budget} after ${CONNECTION_HEADROOM} for superusers, migrations and backups`];
}

for (const [label, dir] of [
  ['k8s base', BASE],
  ['k8s overlays/demo', DEMO],
]) {
  check(`${label}: PostgreSQL connections at the HPAs' minimum replicas fit max_connections`, () => {
    const model = loadKustomization(dir);
    const pools = {};
    const replicas = {};
    const [kustomization = {}] = readYamlOrNothing(kustomizationIn(dir) ?? '/nonexistent');
    const hpaPatch = (kustomization.patches ?? []).filter((patch) => patch?.target?.kind === 'HorizontalPodAutoscaler' && patch.path).flatMap((patch) => readYamlOrNothing(resolve(dir, patch.path)).flat());
    const patchedMin = hpaPatch.find((op) => op?.path === '/spec/minReplicas')?.value;
    for (const app of APP_NAMES) {
      const deployment = named(model, 'Deployment', app)?.obj;
      const container = containersOf(deployment?.spec?.template?.spec).find((c) => c.name === app);
      if (!container) return `no ${app} container`;
      const { value } = envValue(model, container, 'DATABASE_POOL_MAX');
      pools[app] = Number(value ?? environmentDefault('DATABASE_POOL_MAX'));
      const hpa = objectsOf(model, 'HorizontalPodAutoscaler').find(({ obj }) => obj.spec?.scaleTargetRef?.name === app)?.obj;
      replicas[app] = patchedMin ?? hpa?.spec?.minReplicas ?? 1;
    }
    const postgres = named(model, 'StatefulSet', 'postgres')?.obj;
    const maxConnections = maxConnectionsOf(argsOf(containersOf(postgres?.spec?.template?.spec)[0] ?? {}).join(' '));
    return connectionBudgetProblem(pools, replicas, maxConnections);
  });
}

// Redis keeps the queued jobs: any Redis container must persist (AOF) and never evict.
for (const file of yamlFiles) {
  for (const obj of readYamlOrNothing(file)) {
    for (const container of containersOf(obj?.spec?.template?.spec)) {
      if (!/^redis(:|@|$)/.test(String(container.image))) continue;
      check(`${rel(file)}: Redis ${obj.metadata?.name} runs with AOF everysec and noeviction`, () => redisProblems(argsOf(container)));
    }
  }
}

function redisProblems(args) {
  const text = args.join(' ');
  const problems = [];
  if (!/--appendonly\s+yes\b/.test(text)) problems.push('no --appendonly yes');
  if (!/--appendfsync\s+everysec\b/.test(text)) problems.push('no --appendfsync everysec');
  if (!/--maxmemory-policy\s+noeviction\b/.test(text)) problems.push('no --maxmemory-policy noeviction');
  return problems;
}

// ---------------------------------------------------------------- docker-compose

/** Compose interpolation with defaults only: $$ is a literal $, unset variables are empty. */
function interpolate(value) {
  if (typeof value !== 'string') return value;
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, _name, op, arg) => {
    if (match === '$$') return '$';
    if (op === ':-' || op === '-') return interpolate(arg);
    return '';
  });
}

/** Shell-style ${VAR} / $VAR expansion from a container's environment. */
const expandShell = (text, env) =>
  text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a, b) => env[a ?? b] ?? '');

function environmentOf(service) {
  const raw = service?.environment ?? {};
  const entries = Array.isArray(raw) ? raw.map((line) => String(line).split(/=(.*)/s).slice(0, 2)) : Object.entries(raw);
  return Object.fromEntries(entries.map(([key, value]) => [key, value == null ? '' : String(interpolate(String(value)))]));
}

const commandText = (value) => (Array.isArray(value) ? value.map(String).join(' ') : String(value ?? ''));

const COMPOSE = join(ROOT, 'docker-compose.yml');
let compose;
check('parses docker-compose.yml', () => {
  if (!existsSync(COMPOSE)) return 'docker-compose.yml does not exist';
  const docs = readYaml(COMPOSE);
  if (docs.length !== 1 || typeof docs[0]?.services !== 'object') return 'expected one document with services';
  compose = docs[0];
  return [];
});

if (compose) {
  const services = compose.services;

  check('compose: postgres 16 with a pg_isready healthcheck and a volume', () => {
    const pg = services.postgres;
    if (!pg) return 'no postgres service';
    const problems = [];
    if (!/^postgres:16([.-]|$)/.test(interpolate(String(pg.image)))) problems.push(`image is ${pg.image}`);
    if (!commandText(pg.healthcheck?.test).includes('pg_isready')) problems.push('healthcheck does not use pg_isready');
    if (!(pg.volumes ?? []).some((v) => commandText(v.target ?? v).includes('/var/lib/postgresql/data'))) problems.push('no data volume');
    return problems;
  });

  check('compose: redis 7 with appendonly yes, everysec, noeviction, a volume and a healthcheck', () => {
    const redis = services.redis;
    if (!redis) return 'no redis service';
    const problems = [];
    if (!/^redis:7([.-]|$)/.test(interpolate(String(redis.image)))) problems.push(`image is ${redis.image}`);
    problems.push(...redisProblems([commandText(redis.command)]));
    if (!(redis.volumes ?? []).some((v) => commandText(v.target ?? v).includes('/data'))) problems.push('no /data volume');
    if (!redis.healthcheck?.test) problems.push('no healthcheck');
    return problems;
  });

  check('compose: migrate runs the five migrations in order, each as its own role, and seeds nothing', () => {
    const migrate = services.migrate;
    if (!migrate) return 'no migrate service';
    const env = environmentOf(migrate);
    const problems = [];
    for (const name of ['MIGRATION_DATABASE_URL', 'APP_DATABASE_PASSWORD']) if (!env[name]) problems.push(`no ${name}`);
    const adminPassword = environmentOf(services.postgres).POSTGRES_PASSWORD;
    if (env.MIGRATION_DATABASE_URL && passwordOf(env.MIGRATION_DATABASE_URL) !== adminPassword) {
      problems.push('MIGRATION_DATABASE_URL password differs from postgres POSTGRES_PASSWORD');
    }
    if (migrate.depends_on?.postgres?.condition !== 'service_healthy') problems.push('does not wait for a healthy postgres');
    if (['always', 'unless-stopped'].includes(migrate.restart)) problems.push(`restart: ${migrate.restart} reruns a one-shot`);
    const script = expandShell(interpolate(commandText([migrate.entrypoint, migrate.command].flat().filter(Boolean))), env);
    const steps = [...script.matchAll(/(?:DATABASE_URL=(\S+)\s+)?node\s+(\S+)\s+(migrate|seed-demo)\b/g)].map(([, url, entry, command]) => ({ url, entry, command }));
    const expected = APP_NAMES.map((app) => [app, 'migrate']);
    const got = steps.map((s) => `${s.entry} ${s.command}`).join(', ');
    if (got !== expected.map(([app, command]) => `${entryOf(app)} ${command}`).join(', ')) {
      problems.push(`runs [${got}]; expected the five migrations in order (the demo seed belongs to the demo profile)`);
    }
    const chained = /\bset -e\b/.test(script) || (script.match(/&&/g) ?? []).length >= steps.length - 1;
    if (!chained) problems.push('a failed step does not stop the rest (chain with && or set -e)');
    for (const step of steps) {
      const app = APP_NAMES.find((name) => step.entry === entryOf(name));
      if (!app) continue;
      problems.push(roleProblem(step.url, APPS[app], `${app} ${step.command}`));
      if (step.url && passwordOf(step.url) !== env.APP_DATABASE_PASSWORD) problems.push(`${app} ${step.command}: password differs from APP_DATABASE_PASSWORD`);
    }
    return problems;
  });

  const appPassword = environmentOf(services.migrate).APP_DATABASE_PASSWORD;
  for (const [index, app] of APP_NAMES.entries()) {
    check(`compose: ${app} waits for migrate (service_completed_successfully) and healthy postgres/redis`, () => {
      const service = services[app];
      if (!service) return `no ${app} service`;
      const deps = service.depends_on;
      if (!deps || Array.isArray(deps)) return 'depends_on must be a map with conditions';
      const problems = [];
      for (const dep of Object.keys(deps)) if (!services[dep]) problems.push(`depends on ${dep}, which is not a service`);
      if (deps.migrate?.condition !== 'service_completed_successfully') problems.push('migrate is not service_completed_successfully');
      for (const store of ['postgres', 'redis']) if (deps[store]?.condition !== 'service_healthy') problems.push(`${store} is not service_healthy`);
      return problems;
    });

    check(`compose: ${app} runs APP=${app} on its port as ${APPS[app]}, with a healthcheck and a grace period`, () => {
      const service = services[app];
      if (!service) return `no ${app} service`;
      const env = environmentOf(service);
      const problems = [];
      if (env.APP !== app) problems.push(`APP is "${env.APP}"`);
      if (env.HTTP_PORT !== String(3000 + index)) problems.push(`HTTP_PORT is "${env.HTTP_PORT}", expected ${3000 + index}`);
      problems.push(roleProblem(env.DATABASE_URL, APPS[app], app));
      if (appPassword !== undefined && env.DATABASE_URL && passwordOf(env.DATABASE_URL) !== appPassword) problems.push('DATABASE_URL password differs from migrate\'s APP_DATABASE_PASSWORD');
      if (env.MIGRATION_DATABASE_URL) problems.push('gets MIGRATION_DATABASE_URL (admin credentials belong to migrate only)');
      if (!service.healthcheck?.test || service.healthcheck.disable) problems.push('no healthcheck');
      const grace = durationSeconds(service.stop_grace_period);
      if (!(grace > 25)) problems.push(`stop_grace_period is ${service.stop_grace_period ?? 'unset (10s)'}, must be above 25s`);
      if (!service.image && !service.build) problems.push('neither image nor build');
      return problems;
    });
  }

  check('compose: every app and migrate require JWT_SECRET from the caller (${JWT_SECRET:?…}), with no fallback', () =>
    ['migrate', ...APP_NAMES].flatMap((name) => {
      const raw = services[name]?.environment?.JWT_SECRET;
      return typeof raw === 'string' && /^\$\{JWT_SECRET:\?[^}]+\}$/.test(raw) ? [] : [`${name}: JWT_SECRET is ${JSON.stringify(raw ?? null)}`];
    }),
  );

  check('compose: the gateway, and only the gateway, requires SSO_SECRET_KEY from the caller (${SSO_SECRET_KEY:?…})', () =>
    ['migrate', ...APP_NAMES].flatMap((name) => {
      const raw = services[name]?.environment?.SSO_SECRET_KEY;
      if (name !== 'gateway') return raw === undefined ? [] : [`${name}: gets SSO_SECRET_KEY`];
      return typeof raw === 'string' && /^\$\{SSO_SECRET_KEY:\?[^}]+\}$/.test(raw) ? [] : [`gateway: SSO_SECRET_KEY is ${JSON.stringify(raw ?? null)}`];
    }),
  );

  check('compose: no app publishes its metrics port', () =>
    APP_NAMES.flatMap((name) => {
      const metricsPort = environmentOf(services[name]).METRICS_PORT || '9464';
      return (services[name]?.ports ?? [])
        .map((p) => (typeof p === 'object' ? String(p.target) : String(p).split(':').pop()))
        .filter((target) => target === metricsPort)
        .map(() => `${name} publishes ${metricsPort}`);
    }),
  );

  check('compose: the demo seed runs only under `profiles: [demo]`, as the gateway, after migrate', () => {
    const seeding = Object.entries(services).filter(([, service]) =>
      /\bseed-demo\b/.test(commandText([service.entrypoint, service.command].flat().filter(Boolean))),
    );
    if (seeding.length !== 1) return `${seeding.length} services run seed-demo, expected 1 (under the demo profile)`;
    const [name, service] = seeding[0];
    const env = environmentOf(service);
    const problems = [];
    if (!(service.profiles ?? []).includes('demo')) problems.push(`${name} has profiles ${JSON.stringify(service.profiles ?? [])}: a plain \`docker compose up\` would seed demo users with known passwords`);
    if (env.APP !== 'gateway') problems.push(`${name}: APP is "${env.APP}", expected gateway`);
    problems.push(roleProblem(env.DATABASE_URL, APPS.gateway, name));
    if (service.depends_on?.migrate?.condition !== 'service_completed_successfully') problems.push(`${name} does not wait for migrate to complete`);
    if (['always', 'unless-stopped'].includes(service.restart)) problems.push(`${name}: restart: ${service.restart} reruns a one-shot`);
    for (const other of APP_NAMES) if (services[other]?.depends_on?.[name]) problems.push(`${other} depends on ${name}, so it cannot start without the demo profile`);
    return problems;
  });

  check(`compose: every sessionledger image is tagged ${VERSION} (package.json), never latest`, () =>
    Object.entries(services).flatMap(([name, service]) => {
      if (!service.image) return service.build ? [`${name} builds without an image tag`] : [];
      return imageTagProblem(interpolate(String(service.image)), `${name}`);
    }),
  );

  check('compose: PostgreSQL connections of one replica per app fit max_connections', () => {
    const pools = Object.fromEntries(APP_NAMES.map((app) => [app, Number(environmentOf(services[app]).DATABASE_POOL_MAX || 10)]));
    const replicas = Object.fromEntries(APP_NAMES.map((app) => [app, 1]));
    const maxConnections = maxConnectionsOf(commandText(services.postgres?.command));
    return connectionBudgetProblem(pools, replicas, maxConnections);
  });

  check('compose: the queue dashboard port is published on loopback only', () => {
    const port = environmentOf(services.gateway).OPS_DASHBOARD_PORT || String(environmentDefault('OPS_DASHBOARD_PORT'));
    return APP_NAMES.flatMap((name) =>
      (services[name]?.ports ?? [])
        .map((p) => (typeof p === 'object' ? { target: String(p.target), host: p.host_ip } : { target: String(p).split(':').pop(), host: String(p).split(':').length === 3 ? String(p).split(':')[0] : undefined }))
        .filter(({ target, host }) => target === port && host !== '127.0.0.1')
        .map(({ host }) => `${name} publishes ${port} on ${host ?? 'every interface'}`),
    );
  });

  check('compose: gateway is published on 3000', () => {
    const ports = (services.gateway?.ports ?? []).map((p) => (typeof p === 'object' ? `${p.published}:${p.target}` : String(p)));
    return ports.some((p) => /(^|:)3000:3000$/.test(p)) ? [] : `ports are [${ports.join(', ')}]`;
  });
}

// ---------------------------------------------------------------- Dockerfile

/** Instructions with continuations joined and comments dropped, grouped by stage. */
function dockerfileStages(text) {
  const lines = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!current && (line.startsWith('#') || !line)) continue;
    if (line.startsWith('#')) continue;
    current += (current ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (!line.endsWith('\\')) {
      lines.push(current);
      current = '';
    }
  }
  if (current) lines.push(current);
  const globalArgs = {};
  const stages = [];
  for (const line of lines) {
    const [, keyword, rest = ''] = line.match(/^(\S+)\s*(.*)$/);
    const instruction = { keyword: keyword.toUpperCase(), rest };
    if (instruction.keyword === 'FROM') {
      const [, image = '', name] = rest.replace(/--platform=\S+\s+/, '').match(/^(\S+)(?:\s+AS\s+(\S+))?/i) ?? [];
      stages.push({ image: image.replace(/\$\{?(\w+)\}?/g, (_, v) => globalArgs[v] ?? ''), name, instructions: [] });
    } else if (stages.length === 0 && instruction.keyword === 'ARG') {
      const [, name, value = ''] = rest.match(/^(\w+)(?:=(.*))?$/) ?? [];
      if (name) globalArgs[name] = value.replace(/^"|"$/g, '');
    } else if (stages.length > 0) {
      stages.at(-1).instructions.push(instruction);
    }
  }
  return stages;
}

const DOCKERFILE = join(ROOT, 'Dockerfile');
let stages = [];
check('Dockerfile: multi-stage on node:20-bookworm-slim', () => {
  if (!existsSync(DOCKERFILE)) return 'Dockerfile does not exist';
  stages = dockerfileStages(readFileSync(DOCKERFILE, 'utf8'));
  const problems = [];
  if (stages.length < 2) problems.push(`${stages.length} stage(s)`);
  const names = new Set(stages.map((s) => s.name).filter(Boolean));
  for (const stage of stages) {
    if (!names.has(stage.image) && !/^node:20[.\d]*-bookworm-slim(@|$)/.test(stage.image)) problems.push(`stage ${stage.name ?? '?'} is FROM ${stage.image}`);
  }
  return problems;
});

if (stages.length > 0) {
  const runtime = stages.at(-1);
  const has = (stage, keyword, pattern) => stage.instructions.some((i) => i.keyword === keyword && pattern.test(i.rest));
  const stageNamed = (name) => stages.find((s) => s.name === name);

  check('Dockerfile: a build stage runs npm ci and npm run build', () =>
    stages.some((s) => has(s, 'RUN', /\bnpm ci\b/) && has(s, 'RUN', /\bnpm run build\b/)) ? [] : 'no stage runs both',
  );

  check('Dockerfile: the runtime stage has production dependencies only', () => {
    const problems = [];
    if (has(runtime, 'RUN', /\bnpm run build\b/)) problems.push('the runtime stage builds');
    const prodOnly = (stage) => has(stage, 'RUN', /\bnpm ci\b.*--omit=dev/);
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY' && /node_modules/.test(i.rest));
    const fromProd = copies.every((i) => {
      const from = i.rest.match(/--from=(\S+)/)?.[1];
      return from && stageNamed(from) && prodOnly(stageNamed(from));
    });
    if (!(prodOnly(runtime) || (copies.length > 0 && fromProd))) problems.push('node_modules does not come from npm ci --omit=dev');
    if (!runtime.instructions.some((i) => i.keyword === 'COPY' && /--from=\S+.*\bdist\b/.test(i.rest))) problems.push('dist is not copied from the build stage');
    return problems;
  });

  check('Dockerfile: the runtime stage runs as a non-root USER', () => {
    const user = runtime.instructions.filter((i) => i.keyword === 'USER').pop()?.rest.trim();
    if (!user) return 'no USER in the runtime stage';
    return /^(root|0)(:|$)/.test(user) ? `USER ${user}` : [];
  });

  check('Dockerfile: HEALTHCHECK on /health/live with node', () => {
    const healthcheck = runtime.instructions.filter((i) => i.keyword === 'HEALTHCHECK').pop();
    if (!healthcheck) return 'no HEALTHCHECK in the runtime stage';
    const problems = [];
    if (!healthcheck.rest.includes('/health/live')) problems.push('does not request /health/live');
    if (!/\bnode\b/.test(healthcheck.rest)) problems.push('does not use node');
    return problems;
  });

  check('Dockerfile: ARG APP / ENV APP select the entry, extra arguments reach it', () => {
    const problems = [];
    if (!has(runtime, 'ARG', /^APP\b/)) problems.push('no ARG APP');
    if (!has(runtime, 'ENV', /(^|\s)APP=/)) problems.push('no ENV APP');
    const start = runtime.instructions.filter((i) => ['ENTRYPOINT', 'CMD'].includes(i.keyword)).map((i) => i.rest).join(' ');
    if (!start.includes(entryOf('${APP}'))) problems.push(`ENTRYPOINT/CMD does not run ${entryOf('${APP}')}`);
    if (/sh["']?,\s*["']-c/.test(start) && !start.includes('$@')) problems.push('the shell entry drops extra arguments ("$@")');
    return problems;
  });
}

check('.dockerignore keeps node_modules, dist and .git out of the build context', () => {
  const path = join(ROOT, '.dockerignore');
  if (!existsSync(path)) return '.dockerignore does not exist';
  const patterns = readFileSync(path, 'utf8').split('\n').map((l) => l.trim());
  return ['node_modules', 'dist', '.git']
    .filter((name) => !patterns.some((p) => p === name || p === `**/${name}` || p === `/${name}`))
    .map((name) => `${name} is not ignored`);
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
