export { type AdminApi, AdminApiError, loginAdmin } from './admin-api.js';
export { ADMIN_PASSWORD, type Stack, type StackOptions, startStack } from './stack.js';
