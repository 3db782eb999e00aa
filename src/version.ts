/** Engine version, written into every output so a result can be traced to the code that made it. */
export const VERSION = '0.1.0';
