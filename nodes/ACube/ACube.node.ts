import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { COUNTRY_NAMES, isCountry } from '../shared/countries';
import { runItems } from './actions/runItems';
import * as invoice from './actions/invoice';
import { ACubeClient } from './transport';

export class ACube implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'A-Cube',
		name: 'aCube',
		icon: { light: 'file:../../icons/acube.svg', dark: 'file:../../icons/acube.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + " · " + $parameter["country"].toUpperCase() }}',
		description: 'Send, fetch, print and track e-invoices with A-Cube (Germany, Poland, France)',
		defaults: { name: 'A-Cube' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'aCubeApi', required: true }],
		properties: [
			{
				displayName: 'Country',
				name: 'country',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'France', value: 'fr', description: 'B2B e-invoicing (PDP), AFNOR lifecycle statuses' },
					{ name: 'Germany', value: 'de', description: 'ZUGFeRD / Factur-X and XRechnung' },
					{ name: 'Poland', value: 'pl', description: 'KSeF (FA(2) / FA(3))' },
				],
				default: 'de',
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Invoice', value: 'invoice' }],
				default: 'invoice',
			},
			...invoice.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operationName = this.getNodeParameter('operation', 0) as string;
		const country = this.getNodeParameter('country', 0) as string;
		const operation = invoice.operations[operationName];
		if (!operation || !isCountry(country)) {
			throw new NodeOperationError(this.getNode(), `Unsupported operation "${operationName}" for country "${country}"`);
		}
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		const client = await ACubeClient.create(this, {
			retryPolicy: options.maxRetries === undefined ? undefined : { maxRetries: Number(options.maxRetries) },
			timeoutMs: options.timeout === undefined ? undefined : Number(options.timeout),
		});
		this.logger.debug(`A-Cube ${operationName} for ${COUNTRY_NAMES[country]}: ${items.length} item(s)`);
		const output = await runItems.call(this, items, Number(options.concurrency ?? 5), async (itemIndex) =>
			operation.execute.call(this, { client, country, itemIndex }),
		);
		return [output];
	}
}
