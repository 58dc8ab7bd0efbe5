/**
 * The API's version, stated in the OpenAPI document (`info.version`) and on
 * every answer (`API-Version` header). The major changes only with a breaking
 * change, which gets its own path prefix (`/api/v2`) beside the old one for a
 * deprecation period; minor and patch releases only add.
 */
export const API_VERSION = '1.0.0';
export const API_MAJOR_VERSION = API_VERSION.split('.')[0];
export const API_VERSION_HEADER = 'api-version';
