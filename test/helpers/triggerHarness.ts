import type { IDataObject, IHookFunctions, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { ACubeTrigger } from '../../nodes/ACubeTrigger/ACubeTrigger.node';
import { CredentialStore, createExecuteContext } from './n8nHarness';

export const WEBHOOK_URL = 'https://n8n.example.com/webhook/7d0c3f51-0a4e-4f64-9d1b-6d8e2c1f0a11/webhook';

export interface TriggerSetup {
	parameters: IDataObject;
	staticData?: IDataObject;
	store?: CredentialStore;
	workflowId?: string;
	webhookUrl?: string;
	/** n8n's execution mode: 'manual' while the editor listens for a test event. */
	mode?: string;
}

export function triggerContexts(setup: TriggerSetup) {
	const staticData = setup.staticData ?? {};
	const { context: base, store, logs } = createExecuteContext({ parameters: {}, store: setup.store });
	const getNodeParameter = (name: string, ...fallback: unknown[]) => {
		const value = name.split('.').reduce<unknown>((v, key) => (v as IDataObject | undefined)?.[key], setup.parameters);
		if (value !== undefined) return value;
		if (fallback.length > 0) return fallback[0];
		throw new Error(`Could not get parameter "${name}"`);
	};
	const common = {
		getNode: base.getNode,
		getCredentials: base.getCredentials,
		logger: base.logger,
		helpers: base.helpers,
		getNodeParameter,
		getMode: () => setup.mode ?? 'trigger',
		getWorkflowStaticData: () => staticData,
		getNodeWebhookUrl: () => setup.webhookUrl ?? WEBHOOK_URL,
		getWorkflow: () => ({ id: setup.workflowId ?? 'workflow-1', name: 'test', active: true }),
	};
	return { hook: common as unknown as IHookFunctions, common, staticData, store, logs };
}

export interface DeliveredResponse {
	status: number;
	body?: unknown;
	result: IWebhookResponseData;
}

export interface Delivery {
	method?: string;
	path?: string;
	headers?: Record<string, string>;
	body: Buffer | string;
}

/** Delivers one HTTP call to the trigger's webhook() the way n8n's webhook server would. */
export async function deliver(setup: TriggerSetup, delivery: Delivery, contexts = triggerContexts(setup)): Promise<DeliveredResponse> {
	const url = new URL(delivery.path ?? setup.webhookUrl ?? WEBHOOK_URL);
	const rawBody = Buffer.isBuffer(delivery.body) ? delivery.body : Buffer.from(delivery.body, 'utf8');
	const request = {
		method: delivery.method ?? 'POST',
		url: `${url.pathname}${url.search}`,
		originalUrl: `${url.pathname}${url.search}`,
		headers: Object.fromEntries(Object.entries({ 'content-type': 'application/json', host: url.host, ...delivery.headers }).map(([k, v]) => [k.toLowerCase(), v])),
		query: Object.fromEntries(url.searchParams),
		rawBody,
	};
	const response = { statusCode: 200, body: undefined as unknown };
	const res = {
		status(code: number) {
			response.statusCode = code;
			return res;
		},
		json(body: unknown) {
			response.body = body;
			return res;
		},
		send(body: unknown) {
			response.body = body;
			return res;
		},
		end() {
			return res;
		},
	};
	const context = { ...contexts.common, getRequestObject: () => request, getResponseObject: () => res, getBodyData: () => ({}) } as unknown as IWebhookFunctions;
	const result = await new ACubeTrigger().webhook.call(context);
	return { status: result.noWebhookResponse ? response.statusCode : 200, body: result.noWebhookResponse ? response.body : result.webhookResponse, result };
}

/** Output index → the items it received. */
export function routed(result: IWebhookResponseData): Record<number, IDataObject[]> {
	const out: Record<number, IDataObject[]> = {};
	(result.workflowData ?? []).forEach((items, index) => {
		if (items.length > 0) out[index] = items.map((item) => item.json);
	});
	return out;
}
