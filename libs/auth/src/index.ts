export * from './actor';
export * from './roles.decorator';
export * from './scopes';
