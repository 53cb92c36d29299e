import { counterTest } from './counter-corpus.js';

counterTest('dfs');
