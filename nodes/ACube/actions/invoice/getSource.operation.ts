import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { bufferToXmlText, xmlToJson } from '../../../shared/invoiceXml';
import type { OperationContext } from '../common';
import { binaryPropertyOutputField, fileItem, getInvoiceUuid, invoiceUuidField, outputFieldName, optionsCollection } from '../common';
import { fetchInvoiceDocument } from './invoiceDocument';

const show = { resource: ['invoice'], operation: ['getSource'] };

export const description: INodeProperties[] = [
	invoiceUuidField(['getSource']),
	binaryPropertyOutputField(['getSource']),
	optionsCollection(show, [
		{
			displayName: 'Parse to JSON',
			name: 'parseToJson',
			type: 'boolean',
			default: false,
			description:
				'Whether to add the XML as JSON in the "source" field. Values stay text, so identifiers such as 00123 keep their leading zeros.',
		},
	]),
];

export async function execute(this: IExecuteFunctions, { client, country, itemIndex }: OperationContext): Promise<INodeExecutionData[]> {
	const uuid = getInvoiceUuid.call(this, itemIndex);
	const parseToJson = this.getNodeParameter('options.parseToJson', itemIndex, false) as boolean;
	const document = await fetchInvoiceDocument.call(this, client, country, uuid, 'source', 'application/xml', itemIndex, 'Get invoice source');
	const json: IDataObject = { uuid, country, retrievedFrom: document.retrievedFrom };
	if (parseToJson) {
		try {
			json.source = xmlToJson(bufferToXmlText(document.data));
		} catch (error) {
			throw new NodeOperationError(this.getNode(), `The source of invoice ${uuid} could not be parsed: ${(error as Error).message}`, { itemIndex });
		}
	}
	return [await fileItem.call(this, json, document.data, outputFieldName.call(this, itemIndex), `${uuid}.xml`, 'application/xml')];
}
