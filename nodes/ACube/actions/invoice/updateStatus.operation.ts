import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	FRANCE_STATUSES_REQUIRING_REASON,
	FRANCE_STATUSES_WITH_PAYMENT,
	FRANCE_UPDATABLE_STATUSES,
	describeStatus,
	statusDisplayName,
} from '../../../shared/statusCatalog';
import type { OperationContext } from '../common';
import { getInvoiceUuid, invoiceUuidField, optionsCollection } from '../common';

const show = { resource: ['invoice'], operation: ['updateStatus'], country: ['fr'] };

export const description: INodeProperties[] = [
	{ ...invoiceUuidField(['updateStatus']), displayOptions: { show } },
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		options: FRANCE_UPDATABLE_STATUSES.map((code) => {
			const info = describeStatus('fr', code);
			return { name: statusDisplayName(info), value: code, description: `${info.labelLocal}${info.note ? ` (${info.note})` : ''}` };
		}),
		default: '204',
		description: 'The AFNOR lifecycle status to report for this invoice',
		displayOptions: { show },
	},
	{
		displayName: 'Reason',
		name: 'reason',
		type: 'string',
		default: '',
		required: true,
		description: 'Why the invoice is disputed or refused; the supplier (and, for 210, the tax authority) sees it',
		displayOptions: { show: { ...show, status: FRANCE_STATUSES_REQUIRING_REASON } },
	},
	{
		displayName: 'Payment Details',
		name: 'paymentDetails',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add payment line',
		description: 'The amounts paid, one line per VAT rate',
		displayOptions: { show: { ...show, status: FRANCE_STATUSES_WITH_PAYMENT } },
		options: [
			{
				displayName: 'Payment',
				name: 'payment',
				values: [
					{ displayName: 'VAT Rate (%)', name: 'vatRate', type: 'number', typeOptions: { numberPrecision: 2 }, default: 20 },
					{ displayName: 'Amount', name: 'amount', type: 'number', typeOptions: { numberPrecision: 2 }, default: 0 },
					{ displayName: 'Currency', name: 'currency', type: 'string', default: 'EUR' },
				],
			},
		],
	},
	optionsCollection(show, [
		{
			displayName: 'Status Field Name',
			name: 'statusField',
			type: 'options',
			options: [
				{ name: 'afnorStatusCode', value: 'afnorStatusCode' },
				{ name: 'invoiceStatus', value: 'invoiceStatus' },
			],
			default: 'afnorStatusCode',
			description: "A-Cube's pages name the status field both ways; pick the one your account's API accepts",
		},
	]),
];

export async function execute(this: IExecuteFunctions, { client, country, itemIndex }: OperationContext): Promise<INodeExecutionData[]> {
	const uuid = getInvoiceUuid.call(this, itemIndex);
	const status = String(this.getNodeParameter('status', itemIndex));
	if (country !== 'fr') {
		throw new NodeOperationError(this.getNode(), 'Update Status is a French lifecycle operation; set Country to France', { itemIndex });
	}
	if (!FRANCE_UPDATABLE_STATUSES.includes(status)) {
		throw new NodeOperationError(
			this.getNode(),
			`Invalid "Status" in item ${itemIndex}: ${status} is not a lifecycle status a buyer or seller can send (expected one of ${FRANCE_UPDATABLE_STATUSES.join(', ')})`,
			{ itemIndex },
		);
	}
	const statusField = this.getNodeParameter('options.statusField', itemIndex, 'afnorStatusCode') as string;
	const body: IDataObject = { [statusField]: status };
	if (FRANCE_STATUSES_REQUIRING_REASON.includes(status)) {
		const reason = String(this.getNodeParameter('reason', itemIndex, '')).trim();
		if (reason === '') {
			throw new NodeOperationError(this.getNode(), `"Reason" is required for status ${statusDisplayName(describeStatus('fr', status))} (item ${itemIndex})`, { itemIndex });
		}
		body.reason = reason;
	}
	if (FRANCE_STATUSES_WITH_PAYMENT.includes(status)) {
		const lines = ((this.getNodeParameter('paymentDetails', itemIndex, {}) as IDataObject).payment ?? []) as IDataObject[];
		if (lines.length === 0) {
			throw new NodeOperationError(this.getNode(), `"Payment Details" needs at least one line for status ${status} (item ${itemIndex})`, { itemIndex });
		}
		body.paymentDetails = lines.map((line, index) => {
			const amount = Number(line.amount);
			const vatRate = Number(line.vatRate);
			const currency = String(line.currency ?? '').trim().toUpperCase();
			if (!Number.isFinite(amount) || amount <= 0 || !Number.isFinite(vatRate) || vatRate < 0 || !/^[A-Z]{3}$/.test(currency)) {
				throw new NodeOperationError(
					this.getNode(),
					`Payment line ${index + 1} of item ${itemIndex} needs a positive amount, a VAT rate of 0 or more and a three-letter currency code`,
					{ itemIndex },
				);
			}
			return { vatRate, amount, currency };
		});
	}
	const response = await client.request<IDataObject>(
		{ host: country, method: 'POST', path: `/invoices/${uuid}/lifecycle`, body, accept: 'application/json' },
		{ itemIndex, action: 'Update invoice status' },
	);
	const info = describeStatus('fr', status);
	const answer = response.body !== null && typeof response.body === 'object' ? response.body : {};
	return [{ json: { ...answer, uuid, country, status, statusLabel: info.label, statusLabelLocal: info.labelLocal, accepted: true, httpStatus: response.statusCode } }];
}
