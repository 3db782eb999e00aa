export * from './civil.ts';
export * from './dates.ts';
export * from './workingDays.ts';
