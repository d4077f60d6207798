import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { OperationContext } from '../common';
import { withStatusLabel, optionsCollection } from '../common';

const show = { resource: ['invoice'], operation: ['getMany'] };

/** A-Cube's page size when none is asked for. */
const DEFAULT_PAGE_SIZE = 30;

export const description: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { ...show, returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Created After',
				name: 'createdAfter',
				type: 'dateTime',
				default: '',
				description: 'Only invoices created at or after this moment (createdAt[after])',
			},
			{
				displayName: 'Created Before',
				name: 'createdBefore',
				type: 'dateTime',
				default: '',
				description: 'Only invoices created at or before this moment (createdAt[before])',
			},
			{
				displayName: 'Direction',
				name: 'direction',
				type: 'options',
				options: [
					{ name: 'Inbound (Received)', value: 'INBOUND' },
					{ name: 'Outbound (Sent)', value: 'OUTBOUND' },
				],
				default: 'OUTBOUND',
			},
			{
				displayName: 'Invoice Number',
				name: 'invoiceNumber',
				type: 'string',
				default: '',
				description: 'The number printed on the invoice (useful to check whether an invoice already reached A-Cube)',
			},
			{
				displayName: 'More Query Parameters',
				name: 'query',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				description: 'Other filters A-Cube accepts for this country, passed as they are',
				options: [
					{
						displayName: 'Parameter',
						name: 'parameter',
						values: [
							{ displayName: 'Name', name: 'name', type: 'string', default: '' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'string',
				default: '',
				placeholder: 'e.g. 205 or delivered',
			},
		],
	},
	optionsCollection(show, [
		{
			displayName: 'Page Size',
			name: 'itemsPerPage',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 100 },
			default: DEFAULT_PAGE_SIZE,
			description: 'How many invoices to ask A-Cube for per request',
		},
	]),
];

function filterQuery(filters: IDataObject): IDataObject {
	const qs: IDataObject = {};
	if (filters.invoiceNumber) qs.invoiceNumber = filters.invoiceNumber;
	if (filters.status) qs.status = filters.status;
	if (filters.direction) qs.direction = filters.direction;
	if (filters.createdAfter) qs['createdAt[after]'] = filters.createdAfter;
	if (filters.createdBefore) qs['createdAt[before]'] = filters.createdBefore;
	const extra = ((filters.query as IDataObject | undefined)?.parameter ?? []) as Array<{ name: string; value: string }>;
	for (const { name, value } of extra) {
		if (name) qs[name] = value;
	}
	return qs;
}

interface Page {
	members: IDataObject[];
	next?: string;
}

/** Reads a Hydra collection (prefixed or not, as API Platform versions differ) or a bare JSON array. */
function readPage(body: unknown): Page {
	if (Array.isArray(body)) return { members: body as IDataObject[] };
	const record = (body ?? {}) as IDataObject;
	const members = (record['hydra:member'] ?? record.member ?? []) as IDataObject[];
	const view = (record['hydra:view'] ?? record.view ?? {}) as IDataObject;
	const next = view['hydra:next'] ?? view.next;
	return { members: Array.isArray(members) ? members : [], next: typeof next === 'string' ? next : undefined };
}

export async function execute(this: IExecuteFunctions, { client, country, itemIndex }: OperationContext): Promise<INodeExecutionData[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const pageSize = this.getNodeParameter('options.itemsPerPage', itemIndex, DEFAULT_PAGE_SIZE) as number;
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;

	const invoices: IDataObject[] = [];
	const seenLinks = new Set<string>();
	let path = '/invoices';
	let qs: IDataObject | undefined = { ...filterQuery(filters), page: 1, itemsPerPage: pageSize };
	let pageNumber = 1;
	while (invoices.length < limit) {
		const response = await client.request({ host: country, method: 'GET', path, qs, accept: 'application/ld+json' }, { itemIndex, action: 'Get many invoices' });
		const page = readPage(response.body);
		invoices.push(...page.members.slice(0, limit - invoices.length));
		if (page.next !== undefined) {
			if (seenLinks.has(page.next)) break;
			seenLinks.add(page.next);
			path = page.next;
			qs = undefined;
		} else if (Array.isArray(response.body) && page.members.length >= pageSize) {
			pageNumber += 1;
			qs = { ...qs, page: pageNumber };
		} else {
			break;
		}
	}
	return invoices.map((invoice) => ({ json: withStatusLabel(country, { country, ...invoice }) }));
}
