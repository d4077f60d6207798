import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { OperationContext } from '../common';
import { binaryPropertyOutputField, fileItem, getInvoiceUuid, invoiceUuidField, outputFieldName, withStatusLabel, optionsCollection } from '../common';

const show = { resource: ['invoice'], operation: ['get'] };

export const description: INodeProperties[] = [
	invoiceUuidField(['get']),
	{
		displayName: 'Response Format',
		name: 'responseFormat',
		type: 'options',
		options: [
			{ name: 'JSON', value: 'json', description: 'The invoice details as fields' },
			{ name: 'XML', value: 'xml', description: 'The invoice as an XML file' },
		],
		default: 'json',
		displayOptions: { show },
	},
	{ ...binaryPropertyOutputField(['get']), displayOptions: { show: { ...show, responseFormat: ['xml'] } } },
	optionsCollection(show),
];

export async function execute(this: IExecuteFunctions, { client, country, itemIndex }: OperationContext): Promise<INodeExecutionData[]> {
	const uuid = getInvoiceUuid.call(this, itemIndex);
	const format = this.getNodeParameter('responseFormat', itemIndex, 'json') as string;
	if (format === 'xml') {
		const response = await client.request<Buffer>(
			{ host: country, method: 'GET', path: `/invoices/${uuid}`, accept: 'application/xml', binary: true },
			{ itemIndex, action: 'Get invoice' },
		);
		return [await fileItem.call(this, { uuid, country, format: 'xml' }, response.body, outputFieldName.call(this, itemIndex), `${uuid}.xml`, 'application/xml')];
	}
	const response = await client.request<IDataObject>(
		{ host: country, method: 'GET', path: `/invoices/${uuid}`, accept: 'application/json' },
		{ itemIndex, action: 'Get invoice' },
	);
	return [{ json: withStatusLabel(country, { uuid, country, ...response.body }) }];
}
