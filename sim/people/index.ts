/** sim/people: recipients who come (or not) and type codes, and pedestrians on the footways. See docs/sim.md. */
export { defaultRecipientConfig, mistype, planRecipient, Recipients } from './core/Recipients.ts';
export type { Keypad, RecipientConfig, RecipientPlan, RecipientsOptions, RecipientStats } from './core/Recipients.ts';
export { defaultClassSchedule, pedestrianDensity, Pedestrians } from './core/Pedestrians.ts';
export type { ClassSchedule, PedestriansOptions } from './core/Pedestrians.ts';
