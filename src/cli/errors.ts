/** The errors now live in the leaf module src/errors.ts; this re-export keeps older imports working. */
export { CheckFailed, EXIT, InputError } from '../errors.ts';
