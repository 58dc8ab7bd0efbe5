export * from './services';
export * from './actor';
export * from './contract';
export * from './messages/system';
export * from './messages/directory';
export * from './messages/work-orders';
export * from './registry';
