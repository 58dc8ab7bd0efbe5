export * from './test-infrastructure';
export * from './service-apps';
export * from './route-inventory';
export * from './processes';
export * from './mail-server';
