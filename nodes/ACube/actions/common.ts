import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Country } from '../../shared/countries';
import { findStatus } from '../../shared/statusCatalog';
import type { ACubeClient } from '../transport';

export interface OperationContext {
	client: ACubeClient;
	country: Country;
	itemIndex: number;
}

export type OperationHandler = (this: IExecuteFunctions, context: OperationContext) => Promise<INodeExecutionData[]>;

export interface Operation {
	description: INodeProperties[];
	execute: OperationHandler;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const invoiceUuidField = (operations: string[]): INodeProperties => ({
	displayName: 'Invoice UUID',
	name: 'invoiceUuid',
	type: 'string',
	required: true,
	default: '',
	placeholder: '4f7a9112-9c3b-48fa-8672-111222333aaa',
	description: 'The UUID A-Cube returned when the invoice was submitted',
	displayOptions: { show: { resource: ['invoice'], operation: operations } },
});

export function getInvoiceUuid(this: IExecuteFunctions, itemIndex: number): string {
	const raw = this.getNodeParameter('invoiceUuid', itemIndex, '') as unknown;
	const value = typeof raw === 'string' ? raw.trim() : String(raw ?? '');
	if (!UUID_PATTERN.test(value)) {
		const shown = value === '' ? 'it is empty' : `got "${value.length > 60 ? `${value.slice(0, 60)}…` : value}"`;
		throw new NodeOperationError(
			this.getNode(),
			`Invalid "Invoice UUID" in item ${itemIndex}: expected a UUID such as 4f7a9112-9c3b-48fa-8672-111222333aaa, ${shown}`,
			{
				itemIndex,
				description: 'Map the "uuid" field that the Submit operation returned, e.g. {{ $json.uuid }}.',
			},
		);
	}
	return value.toLowerCase();
}

export const binaryPropertyOutputField = (operations: string[], defaultName = 'data'): INodeProperties => ({
	displayName: 'Put Output File in Field',
	name: 'binaryPropertyName',
	type: 'string',
	required: true,
	default: defaultName,
	hint: 'The name of the output binary field to put the file in',
	displayOptions: { show: { resource: ['invoice'], operation: operations } },
});

/** Options every operation shares: how hard and how wide to talk to A-Cube. */
export const requestOptions: INodeProperties[] = [
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 20 },
		default: 5,
		description: 'How many items are sent to A-Cube at the same time. Output order always follows input order.',
	},
	{
		displayName: 'Max Retries',
		name: 'maxRetries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10 },
		default: 3,
		description:
			'How many times a request is retried after a rate limit (429), and for reads after a server error or a timeout, with exponential backoff that honours Retry-After. A submission is never re-sent after a timeout or a server error.',
	},
	{
		displayName: 'Timeout (Ms)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1000 },
		default: 60000,
		description: 'How long to wait for A-Cube to answer one request',
	},
];

/** An operation's "Options": its own settings plus the shared request options, alphabetical as n8n lists them. */
export function optionsCollection(show: Record<string, string[]>, own: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [...own, ...requestOptions].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

/** The English label of a status, added beside the raw status wherever an answer carries one. */
export function withStatusLabel(country: Country, record: IDataObject): IDataObject {
	const status = findStatus(country, record.status);
	if (!status || record.statusLabel !== undefined) return record;
	return { ...record, statusLabel: status.label };
}

export async function fileItem(
	this: IExecuteFunctions,
	json: IDataObject,
	data: Buffer,
	binaryPropertyName: string,
	fileName: string,
	mimeType: string,
): Promise<INodeExecutionData> {
	const binary = await this.helpers.prepareBinaryData(data, fileName, mimeType);
	return { json: { ...json, fileName, mimeType, size: data.length }, binary: { [binaryPropertyName]: binary } };
}

export function outputFieldName(this: IExecuteFunctions, itemIndex: number): string {
	const name = (this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string).trim();
	if (name === '') {
		throw new NodeOperationError(this.getNode(), `"Put Output File in Field" is empty in item ${itemIndex}`, { itemIndex });
	}
	return name;
}
