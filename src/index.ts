/** mapscope's library API. */
export { InputError, UsageError } from './cli/errors.js';
