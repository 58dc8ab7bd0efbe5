export * from './domain-error';
export * from './request-context';
export * from './ids';
export * from './pagination';
export * from './validation';
export * from './text-safety';
export * from './email';
export * from './time-zone';
