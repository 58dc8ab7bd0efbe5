export * from './district-replica.entity';
export * from './district-replica.sql';
export * from './district-replica.controller';
