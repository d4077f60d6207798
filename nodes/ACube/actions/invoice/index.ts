import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../common';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as getSource from './getSource.operation';
import * as getUpo from './getUpo.operation';
import * as print from './print.operation';
import * as submit from './submit.operation';
import * as updateStatus from './updateStatus.operation';

export const operations: Record<string, Operation> = { submit, get, print, getSource, getMany, updateStatus, getUpo };

const sharedOperations = [
	{ name: 'Get', value: 'get', description: 'Get an invoice as JSON details or XML', action: 'Get an invoice' },
	{ name: 'Get Many', value: 'getMany', description: 'List invoices, following every page', action: 'Get many invoices' },
	{ name: 'Get Source', value: 'getSource', description: 'Download the original structured XML that was submitted', action: 'Get the source XML of an invoice' },
	{ name: 'Print', value: 'print', description: 'Render the invoice as a PDF or HTML file', action: 'Print an invoice' },
	{ name: 'Submit', value: 'submit', description: 'Send an invoice (XML file or text) to A-Cube', action: 'Submit an invoice' },
];

const operationField = (countries: string[], extra: typeof sharedOperations): INodeProperties => ({
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['invoice'], country: countries } },
	options: [...sharedOperations, ...extra].sort((a, b) => a.name.localeCompare(b.name)),
	default: 'submit',
});

export const description: INodeProperties[] = [
	operationField(['de'], []),
	operationField(['fr'], [
		{ name: 'Update Status', value: 'updateStatus', description: 'Report a lifecycle status (approved, disputed, refused, paid…) as buyer or seller', action: 'Update the status of an invoice' },
	]),
	operationField(['pl'], [
		{ name: 'Get UPO', value: 'getUpo', description: 'Download the KSeF UPO receipt (official confirmation of receipt)', action: 'Get the UPO receipt of an invoice' },
	]),
	...submit.description,
	...get.description,
	...print.description,
	...getSource.description,
	...getMany.description,
	...updateStatus.description,
	...getUpo.description,
];
