/** Importing this module registers every built-in environment. */
import './guess-number/index.js';
