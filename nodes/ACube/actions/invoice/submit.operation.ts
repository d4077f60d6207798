import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { InvoiceSummary, InvoiceXmlError } from '../../../shared/invoiceXml';
import { bufferToXmlText, summariseInvoiceXml } from '../../../shared/invoiceXml';
import type { OperationContext } from '../common';
import { withStatusLabel, optionsCollection } from '../common';

const show = { resource: ['invoice'], operation: ['submit'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Input',
		name: 'inputMode',
		type: 'options',
		options: [
			{ name: 'Binary File', value: 'binary', description: 'An XML file from a previous node, e.g. Read File or an email attachment' },
			{ name: 'XML Text', value: 'text', description: 'The invoice XML as text, e.g. from an ERP export' },
		],
		default: 'binary',
		displayOptions: { show: { ...show, country: ['de', 'fr'] } },
	},
	{
		displayName: 'Input',
		name: 'inputMode',
		type: 'options',
		options: [
			{ name: 'Binary File', value: 'binary', description: 'A KSeF FA XML file from a previous node' },
			{ name: 'JSON (FA Structure)', value: 'json', description: 'The FA structure as JSON with the FA element names (Naglowek, Podmiot1, Fa…)' },
			{ name: 'XML Text', value: 'text', description: 'The KSeF FA XML as text' },
		],
		default: 'binary',
		displayOptions: { show: { ...show, country: ['pl'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field holding the invoice XML file',
		displayOptions: { show: { ...show, inputMode: ['binary'] } },
	},
	{
		displayName: 'Invoice XML',
		name: 'xml',
		type: 'string',
		typeOptions: { rows: 8 },
		default: '',
		required: true,
		placeholder: '<rsm:CrossIndustryInvoice …>',
		description: 'A CII (ZUGFeRD, Factur-X, XRechnung), UBL 2.1 or KSeF FA invoice',
		displayOptions: { show: { ...show, inputMode: ['text'] } },
	},
	{
		displayName: 'Invoice JSON',
		name: 'jsonBody',
		type: 'json',
		default: '{\n  "Naglowek": {},\n  "Podmiot1": {},\n  "Podmiot2": {},\n  "Fa": {}\n}',
		required: true,
		description: 'The KSeF FA structure as JSON, with the FA element names',
		displayOptions: { show: { ...show, country: ['pl'], inputMode: ['json'] } },
	},
	optionsCollection(show, [
		{
			displayName: 'Check XML Before Sending',
			name: 'checkXml',
			type: 'boolean',
			default: true,
			description:
				'Whether to refuse, before any upload, content that is not a well-formed CII, UBL or KSeF FA invoice. Turn off to let A-Cube judge unusual documents.',
		},
	]),
];

interface InvoicePayload {
	body: string | IDataObject;
	contentType: string;
	summary?: InvoiceSummary;
}

function xmlPayload(this: IExecuteFunctions, xml: string, itemIndex: number, source: string): InvoicePayload {
	const checkXml = this.getNodeParameter('options.checkXml', itemIndex, true) as boolean;
	try {
		return { body: xml, contentType: 'application/xml', summary: summariseInvoiceXml(xml) };
	} catch (error) {
		if (!checkXml && xml.trim() !== '') return { body: xml, contentType: 'application/xml' };
		throw new NodeOperationError(this.getNode(), `${source} in item ${itemIndex}: ${(error as Error).message}`, {
			itemIndex,
			description: (error as InvoiceXmlError).hint,
		});
	}
}

async function readPayload(this: IExecuteFunctions, itemIndex: number): Promise<InvoicePayload> {
	const inputMode = this.getNodeParameter('inputMode', itemIndex) as string;
	if (inputMode === 'text') {
		const xml = this.getNodeParameter('xml', itemIndex, '') as unknown;
		return xmlPayload.call(this, typeof xml === 'string' ? xml : String(xml ?? ''), itemIndex, 'Invoice XML');
	}
	if (inputMode === 'json') {
		const raw = this.getNodeParameter('jsonBody', itemIndex) as unknown;
		let body: unknown = raw;
		if (typeof raw === 'string') {
			try {
				body = JSON.parse(raw) as unknown;
			} catch (error) {
				throw new NodeOperationError(this.getNode(), `"Invoice JSON" in item ${itemIndex} is not valid JSON: ${(error as Error).message}`, { itemIndex });
			}
		}
		if (body === null || typeof body !== 'object' || Array.isArray(body) || !('Fa' in body)) {
			throw new NodeOperationError(
				this.getNode(),
				`"Invoice JSON" in item ${itemIndex} must be an object with the FA elements (Naglowek, Podmiot1, Podmiot2, Fa)`,
				{ itemIndex },
			);
		}
		return { body: body as IDataObject, contentType: 'application/json' };
	}
	const propertyName = (this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string).trim();
	const item = this.getInputData()[itemIndex];
	if (!item.binary?.[propertyName]) {
		const available = Object.keys(item.binary ?? {});
		throw new NodeOperationError(
			this.getNode(),
			`Item ${itemIndex} has no binary field "${propertyName}"`,
			{
				itemIndex,
				description: available.length
					? `Its binary fields are: ${available.join(', ')}. Set "Input Binary Field" to one of them.`
					: 'The item has no binary data at all. Read the file first (e.g. Read/Write Files from Disk), or switch Input to "XML Text".',
			},
		);
	}
	const data = await this.helpers.getBinaryDataBuffer(itemIndex, propertyName);
	const fileName = item.binary[propertyName].fileName ?? propertyName;
	let xml: string;
	try {
		xml = bufferToXmlText(data);
	} catch (error) {
		throw new NodeOperationError(this.getNode(), `File "${fileName}" in item ${itemIndex}: ${(error as Error).message}`, {
			itemIndex,
			description: (error as InvoiceXmlError).hint,
		});
	}
	return xmlPayload.call(this, xml, itemIndex, `File "${fileName}"`);
}

export async function execute(this: IExecuteFunctions, { client, country, itemIndex }: OperationContext): Promise<INodeExecutionData[]> {
	const payload = await readPayload.call(this, itemIndex);
	const response = await client.request<IDataObject>(
		{ host: country, method: 'POST', path: '/invoices', body: payload.body, contentType: payload.contentType, accept: 'application/json' },
		{ itemIndex, action: 'Submit invoice' },
	);
	const answer = response.body !== null && typeof response.body === 'object' ? response.body : {};
	const json: IDataObject = withStatusLabel(country, { uuid: answer.uuid, country, ...answer });
	if (payload.summary) json.summary = payload.summary as unknown as IDataObject;
	const input = this.getInputData()[itemIndex];
	return [{ json, ...(input.binary ? { binary: input.binary } : {}) }];
}
