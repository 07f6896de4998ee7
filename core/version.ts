/** dialogym's version, written into every record. A test keeps it equal to package.json's. */
export const DIALOGYM_VERSION = '0.1.0';
