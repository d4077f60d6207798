import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { OperationContext } from '../common';
import { binaryPropertyOutputField, fileItem, getInvoiceUuid, invoiceUuidField, outputFieldName, optionsCollection } from '../common';

const show = { resource: ['invoice'], operation: ['getUpo'] };

export const description: INodeProperties[] = [
	invoiceUuidField(['getUpo']),
	binaryPropertyOutputField(['getUpo']),
	optionsCollection(show),
];

export async function execute(this: IExecuteFunctions, { client, country, itemIndex }: OperationContext): Promise<INodeExecutionData[]> {
	const uuid = getInvoiceUuid.call(this, itemIndex);
	const response = await client.request<Buffer>(
		{ host: country, method: 'GET', path: `/invoices/${uuid}/upo`, accept: 'application/xml', binary: true },
		{
			itemIndex,
			action: 'Get UPO',
			hints: {
				404: 'KSeF issues the UPO receipt up to about two hours after the invoice is delivered. Wait for the "confirmed" status (A-Cube Trigger) before fetching it.',
			},
		},
	);
	return [await fileItem.call(this, { uuid, country }, response.body, outputFieldName.call(this, itemIndex), `${uuid}-upo.xml`, 'application/xml')];
}
