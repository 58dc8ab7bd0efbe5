export * from './tenant-entity';
export * from './tenant-transactions';
export * from './rls';
export * from './orm-config';
export * from './migrate';
export * from './persistence.module';
export * from './batches';
export * from './advisory-lock';
