import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import type { Country } from '../shared/countries';
import { verifyRequestSignature, parsePublicKey } from '../shared/httpSignature';
import { acubePublicKey, secretsMatch } from './authenticity';
import { properties } from './description';
import { MAX_BODY_BYTES, eventKey, normaliseEvent, recentEventsFor } from './events';
import * as registration from './registration';
import type { RegistrationState } from './registration';
import type { RoutesParameter } from './routing';
import { OUTPUTS_EXPRESSION, outputIndexFor, outputNames } from './routing';

interface WebhookRequest {
	method: string;
	originalUrl?: string;
	url: string;
	protocol?: string;
	headers: Record<string, string | string[] | undefined>;
	query: Record<string, unknown>;
	body?: unknown;
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
}

export class ACubeTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'A-Cube Trigger',
		name: 'aCubeTrigger',
		icon: { light: 'file:../../icons/acube.svg', dark: 'file:../../icons/acube.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["country"].toUpperCase() + " invoice lifecycle" }}',
		description: 'Starts a workflow when A-Cube reports an invoice status, with one output per status',
		defaults: { name: 'A-Cube Trigger' },
		inputs: [],
		outputs: OUTPUTS_EXPRESSION,
		credentials: [{ name: 'aCubeApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties,
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await registration.checkExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await registration.create.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await registration.remove.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject() as unknown as WebhookRequest;
		const response = this.getResponseObject();
		const country = this.getNodeParameter('country') as Country;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const state = registration.registrationFor(this);
		const refuse = (status: number, message: string): IWebhookResponseData => {
			this.logger.warn(`A-Cube Trigger refused a call (${status}): ${message}`);
			response.status(status).json({ error: message });
			return { noWebhookResponse: true };
		};

		const presented = country === 'pl' ? request.query[registration.SECRET_QUERY_PARAMETER] : request.headers[registration.SECRET_HEADER];
		if (!state.secret) return refuse(401, 'this trigger holds no registration secret: deactivate and activate the workflow again');
		if (!secretsMatch(presented, state.secret)) return refuse(401, 'missing or wrong webhook secret');

		if (!request.rawBody && request.readRawBody) await request.readRawBody();
		const rawBody = Buffer.isBuffer(request.rawBody) ? request.rawBody : Buffer.from(typeof request.body === 'string' ? request.body : '');
		if (rawBody.length > MAX_BODY_BYTES) return refuse(400, `the body is ${rawBody.length} bytes, more than the ${MAX_BODY_BYTES} an A-Cube event can be`);

		if (options.verifySignature !== false) {
			const problem = await signatureProblem.call(this, request, rawBody, state, options);
			if (problem) return problem.status === 401 ? refuse(401, `signature check failed: ${problem.message}`) : refuse(problem.status, problem.message);
		}

		const text = rawBody.toString('utf8').trim();
		if (text === '') return refuse(400, 'the body is empty; an A-Cube event is a JSON object');
		let body: unknown;
		try {
			body = JSON.parse(text) as unknown;
		} catch {
			return refuse(400, 'the body is not JSON; an A-Cube event is a JSON object');
		}
		if (body === null || typeof body !== 'object' || Array.isArray(body)) return refuse(400, 'the body is not a JSON object');

		const event = normaliseEvent(country, body as IDataObject, new Date());
		if (event.status === '') return refuse(400, 'the event has no status');

		if (options.ignoreDuplicates !== false) {
			const node = this.getNode();
			const memory = recentEventsFor(`${this.getWorkflow().id ?? ''}:${node.id ?? node.name}`);
			if (memory.checkAndRemember(eventKey(event, text))) {
				this.logger.info(`A-Cube Trigger ignored a repeated delivery of ${event.eventId ?? event.status} for invoice ${event.invoiceUuid ?? '-'}`);
				response.status(200).json({ received: true, duplicate: true });
				return { noWebhookResponse: true };
			}
		}

		const routes = this.getNodeParameter('routes', {}) as RoutesParameter;
		const outputs = outputNames(country, routes).map(() => [] as Array<{ json: IDataObject }>);
		outputs[outputIndexFor(country, routes, event.status)].push({ json: event as unknown as IDataObject });
		return { workflowData: outputs, webhookResponse: { received: true } };
	}
}

/** The request must carry A-Cube's valid signature for the URL A-Cube called. */
async function signatureProblem(
	this: IWebhookFunctions,
	request: WebhookRequest,
	rawBody: Buffer,
	state: RegistrationState,
	options: IDataObject,
): Promise<{ status: number; message: string } | undefined> {
	const calledUrl = state.registeredUrl ?? registration.publicWebhookUrl(this.getNodeWebhookUrl('default') as string, options.publicUrl);
	const actualQuery = (request.originalUrl ?? request.url).split('?')[1];
	const url = new URL(calledUrl);
	url.search = actualQuery ? `?${actualQuery}` : '';
	const signed = { method: request.method, url: url.toString(), headers: request.headers, body: rawBody };
	const pinned = typeof options.publicKey === 'string' && options.publicKey.trim() !== '' ? options.publicKey : undefined;
	try {
		if (pinned) {
			const result = verifyRequestSignature(signed, parsePublicKey(pinned));
			return result.ok ? undefined : { status: 401, message: result.reason };
		}
		let result = verifyRequestSignature(signed, await acubePublicKey(this));
		if (!result.ok && result.keyMismatch) {
			result = verifyRequestSignature(signed, await acubePublicKey(this, { refresh: true }));
		}
		return result.ok ? undefined : { status: 401, message: result.reason };
	} catch (error) {
		// Without the key nothing can be verified; 503 makes A-Cube deliver again later.
		return { status: 503, message: `could not check the signature: ${(error as Error).message}` };
	}
}
