export type Country = 'de' | 'pl' | 'fr';

export const COUNTRIES: readonly Country[] = ['de', 'pl', 'fr'];

export const COUNTRY_NAMES: Record<Country, string> = {
	de: 'Germany',
	pl: 'Poland',
	fr: 'France',
};

export type Environment = 'sandbox' | 'production';

export type ApiHost = 'common' | Country;

/** Default base URLs per environment; every one can be overridden in the credentials. */
export const DEFAULT_BASE_URLS: Record<Environment, Record<ApiHost, string>> = {
	sandbox: {
		common: 'https://common-sandbox.api.acubeapi.com',
		// The German seed documentation serves invoices under an /api prefix; it is part of the base URL.
		de: 'https://de-sandbox.api.acubeapi.com/api',
		pl: 'https://pl-sandbox.api.acubeapi.com',
		fr: 'https://fr-sandbox.api.acubeapi.com',
	},
	production: {
		common: 'https://common.api.acubeapi.com',
		de: 'https://de.api.acubeapi.com/api',
		pl: 'https://pl.api.acubeapi.com',
		fr: 'https://fr.api.acubeapi.com',
	},
};

export const BASE_URL_OVERRIDE_FIELDS: Record<ApiHost, string> = {
	common: 'commonBaseUrl',
	de: 'deBaseUrl',
	pl: 'plBaseUrl',
	fr: 'frBaseUrl',
};

export interface BaseUrlSettings {
	environment?: unknown;
	useCustomBaseUrls?: unknown;
	[field: string]: unknown;
}

export function resolveBaseUrl(settings: BaseUrlSettings, host: ApiHost): string {
	const override = settings.useCustomBaseUrls === true ? settings[BASE_URL_OVERRIDE_FIELDS[host]] : undefined;
	if (typeof override === 'string' && override.trim() !== '') {
		return override.trim().replace(/\/+$/, '');
	}
	const environment: Environment = settings.environment === 'production' ? 'production' : 'sandbox';
	return DEFAULT_BASE_URLS[environment][host];
}

export function isCountry(value: unknown): value is Country {
	return typeof value === 'string' && (COUNTRIES as readonly string[]).includes(value);
}
