export * from './actor';
export * from './roles.decorator';
