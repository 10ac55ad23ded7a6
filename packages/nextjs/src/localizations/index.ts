// @gatehouse/nextjs/localizations: the texts for the prebuilt components' `localization` prop (Clerk's shape).

export { enUS, type GatehouseLocalization } from './en-us.js';
export { frFR } from './fr-fr.js';
export type { LocalizationResource } from './merge.js';
