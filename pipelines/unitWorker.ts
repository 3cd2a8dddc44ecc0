// Piscina worker of the unit runner: reads its unit of input and runs the worker steps over it batch by batch.
export { runUnitTask as default } from './unitTask.js';
