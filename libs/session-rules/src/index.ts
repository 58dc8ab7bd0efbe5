export * from './session-rules';
export * from './session-catalog';
export * from './work-order-types';
export * from './posted-content';
export * from './billing-rules';
