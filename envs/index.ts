/** Importing this module registers every built-in environment. */
import './guess-number/index.js';
import './clarify-search/index.js';
import './clarify-search/v1.js';
import './persuasion/index.js';
import './persuasion/v1.js';
import './social-deduction/index.js';
import './social-deduction/v1.js';
import './embodied/index.js';
import './embodied/v1.js';
import './clarify-task/index.js';
import './clarify-task/v1.js';
