import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { OperationContext } from '../common';
import { binaryPropertyOutputField, fileItem, getInvoiceUuid, invoiceUuidField, outputFieldName, optionsCollection } from '../common';
import { fetchInvoiceDocument } from './invoiceDocument';

const show = { resource: ['invoice'], operation: ['print'] };

const FORMATS: Record<string, { accept: string; extension: string }> = {
	pdf: { accept: 'application/pdf', extension: 'pdf' },
	html: { accept: 'text/html', extension: 'html' },
};

export const description: INodeProperties[] = [
	invoiceUuidField(['print']),
	{
		displayName: 'Print Format',
		name: 'printFormat',
		type: 'options',
		options: [
			{ name: 'HTML', value: 'html' },
			{ name: 'PDF', value: 'pdf' },
		],
		default: 'pdf',
		displayOptions: { show },
	},
	binaryPropertyOutputField(['print']),
	optionsCollection(show),
];

export async function execute(this: IExecuteFunctions, { client, country, itemIndex }: OperationContext): Promise<INodeExecutionData[]> {
	const uuid = getInvoiceUuid.call(this, itemIndex);
	const format = this.getNodeParameter('printFormat', itemIndex, 'pdf') as string;
	const { accept, extension } = FORMATS[format] ?? FORMATS.pdf;
	const document = await fetchInvoiceDocument.call(this, client, country, uuid, 'print', accept, itemIndex, 'Print invoice');
	return [
		await fileItem.call(
			this,
			{ uuid, country, format: extension, retrievedFrom: document.retrievedFrom },
			document.data,
			outputFieldName.call(this, itemIndex),
			`${uuid}.${extension}`,
			accept,
		),
	];
}
