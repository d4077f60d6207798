import type { Country } from '../shared/countries';
import { COUNTRIES } from '../shared/countries';
import { describeStatus, statusCatalogue, statusDisplayName } from '../shared/statusCatalog';

export interface RouteParameter {
	statuses?: string[];
	outputName?: string;
}

export interface RoutesParameter {
	route?: RouteParameter[];
}

export const OTHER_OUTPUT = 'Other';

/** Output names per status, embedded in the outputs expression, which cannot import anything. */
const DISPLAY_NAMES: Record<string, Record<string, string>> = Object.fromEntries(
	COUNTRIES.map((country) => [country, Object.fromEntries(statusCatalogue(country).map((info) => [info.code, statusDisplayName(info)]))]),
);

/**
 * The output names for a routes parameter: one per route, in order, then "Other". Kept free of
 * closures and imports because n8n evaluates its source text as the node's `outputs` expression.
 */
export function computeOutputNames(
	routes: { route?: Array<{ statuses?: string[]; outputName?: string }> } | undefined,
	country: string,
	displayNames: Record<string, Record<string, string>>,
): string[] {
	const names: string[] = [];
	const list = routes && Array.isArray(routes.route) ? routes.route : [];
	for (let i = 0; i < list.length; i++) {
		const statuses = Array.isArray(list[i].statuses) ? (list[i].statuses as string[]) : [];
		const custom = typeof list[i].outputName === 'string' ? (list[i].outputName as string).trim() : '';
		const known = (displayNames[country] || {}) as Record<string, string>;
		let name = custom;
		if (name === '') name = statuses.length === 1 ? known[statuses[0]] || statuses[0] : statuses.join(', ');
		names.push(name === '' ? 'Route ' + (i + 1) : name);
	}
	names.push('Other');
	return names;
}

/** n8n ends an expression at the first `}}`, so none may appear inside it (a space between braces changes nothing in JS). */
const separateBraces = (code: string) => code.replace(/\}(?=\})/g, '} ').replace(/\{(?=\{)/g, '{ ');

export const OUTPUTS_EXPRESSION: `={{${string}}}` = `={{${separateBraces(
	`(${computeOutputNames.toString()})($parameter.routes, $parameter.country, ${JSON.stringify(DISPLAY_NAMES)}).map(function (name) { return { type: 'main', displayName: name }; })`,
)}}}`;

export function outputNames(country: Country, routes: RoutesParameter | undefined): string[] {
	return computeOutputNames(routes, country, DISPLAY_NAMES);
}

/** The output an event goes to: the first route that lists its status, else "Other" (the last output). */
export function outputIndexFor(country: Country, routes: RoutesParameter | undefined, status: string): number {
	const list = routes?.route ?? [];
	const code = describeStatus(country, status).code;
	const index = list.findIndex((route) => (route.statuses ?? []).some((listed) => describeStatus(country, listed).code === code));
	return index === -1 ? list.length : index;
}
