import type { IExecuteFunctions } from 'n8n-workflow';

import type { Country } from '../../../shared/countries';
import type { ACubeClient } from '../../transport';

export interface InvoiceDocument {
	data: Buffer;
	/** Which A-Cube resource answered, so a fallback is never silent. */
	retrievedFrom: string;
}

/**
 * Fetches /invoices/{uuid}/{subresource}. Germany's newer API generation dropped the sub-resources
 * and serves every rendition of /invoices/{uuid} by content negotiation; there a 404 falls back to it.
 */
export async function fetchInvoiceDocument(
	this: IExecuteFunctions,
	client: ACubeClient,
	country: Country,
	uuid: string,
	subresource: 'print' | 'source',
	accept: string,
	itemIndex: number,
	action: string,
): Promise<InvoiceDocument> {
	const path = `/invoices/${uuid}/${subresource}`;
	const canFallBack = country === 'de';
	const response = await client.request<Buffer>(
		{ host: country, method: 'GET', path, accept, binary: true, passStatuses: canFallBack ? [404] : undefined },
		{ itemIndex, action },
	);
	if (response.statusCode !== 404) return { data: response.body, retrievedFrom: path };

	const fallback = `/invoices/${uuid}`;
	this.logger.info(`A-Cube answered 404 for ${path}; asking ${fallback} for ${accept} instead`);
	const negotiated = await client.request<Buffer>({ host: country, method: 'GET', path: fallback, accept, binary: true }, { itemIndex, action });
	return { data: negotiated.body, retrievedFrom: `${fallback} (Accept: ${accept})` };
}
