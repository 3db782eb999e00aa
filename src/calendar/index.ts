export * from './dates.ts';
export * from './workingDays.ts';
