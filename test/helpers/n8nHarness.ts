import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { ACubeApi } from '../../credentials/ACubeApi.credentials';
import { ACube } from '../../nodes/ACube/ACube.node';
import { httpRequest } from './httpRequest';

export const TEST_PASSWORD = 'S3cret-Passw0rd!';

/** What n8n keeps in its database for one credential: the fields plus the token from preAuthentication. */
export class CredentialStore {
	data: ICredentialDataDecryptedObject;
	logins = 0;

	constructor(overrides: IDataObject = {}) {
		this.data = {
			email: 'finance@example.com',
			password: TEST_PASSWORD,
			environment: 'sandbox',
			token: '',
			useCustomBaseUrls: false,
			...overrides,
		};
	}
}

const credentialType = new ACubeApi();

async function preAuthenticate(store: CredentialStore): Promise<void> {
	store.logins += 1;
	const result = await credentialType.preAuthentication.call({ helpers: { httpRequest } } as never, { ...store.data });
	Object.assign(store.data, result);
}

function authenticate(store: CredentialStore, options: IHttpRequestOptions): IHttpRequestOptions {
	return { ...options, headers: { ...options.headers, Authorization: `Bearer ${String(store.data.token)}` } };
}

/** n8n-workflow 2.41 keeps the wrapped error as `cause` (2.10, the typings we build against, drops it). */
function wrapLike241(node: INode, error: unknown): NodeApiError {
	const wrapped = new NodeApiError(node, error as never);
	if (error instanceof Error) Object.defineProperty(wrapped, 'cause', { value: error, configurable: true });
	return wrapped;
}

/** Mirrors n8n-core's httpRequestWithAuthentication (2.41): log in while the expirable token is empty, re-login once on 401. */
async function httpRequestWithAuthentication(store: CredentialStore, node: INode, options: IHttpRequestOptions) {
	let sent = false;
	try {
		if (!store.data.token) await preAuthenticate(store);
		sent = true;
		return await httpRequest(authenticate(store, options));
	} catch (error) {
		const status = (error as { response?: { status?: number } }).response?.status;
		if (sent && status === 401) {
			try {
				await preAuthenticate(store);
				return await httpRequest(authenticate(store, options));
			} catch (retryError) {
				throw wrapLike241(node, retryError);
			}
		}
		throw wrapLike241(node, error);
	}
}

export interface BinaryInput {
	data: Buffer;
	fileName?: string;
	mimeType?: string;
}

export interface RunOptions {
	parameters: IDataObject | ((itemIndex: number) => IDataObject);
	items?: Array<{ json?: IDataObject; binary?: Record<string, BinaryInput> }>;
	continueOnFail?: boolean;
	store?: CredentialStore;
}

export const TEST_NODE: INode = {
	id: 'a-cube-node',
	name: 'A-Cube',
	type: 'n8n-nodes-acube.aCube',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function getPath(source: IDataObject, path: string): unknown {
	return path.split('.').reduce<unknown>((value, key) => (value as IDataObject | undefined)?.[key], source);
}

export interface Logged {
	level: string;
	message: string;
}

export function createExecuteContext(options: RunOptions): { context: IExecuteFunctions; store: CredentialStore; logs: Logged[] } {
	const store = options.store ?? new CredentialStore();
	const logs: Logged[] = [];
	const items: INodeExecutionData[] = (options.items ?? [{ json: {} }]).map((item) => ({
		json: item.json ?? {},
		...(item.binary
			? {
					binary: Object.fromEntries(
						Object.entries(item.binary).map(([key, file]) => [
							key,
							{ data: file.data.toString('base64'), fileName: file.fileName, mimeType: file.mimeType ?? 'application/xml' },
						]),
					),
				}
			: {}),
	}));
	const parametersOf = (itemIndex: number) =>
		typeof options.parameters === 'function' ? options.parameters(itemIndex) : options.parameters;
	const logger = Object.fromEntries(
		['debug', 'info', 'warn', 'error'].map((level) => [level, (message: string) => logs.push({ level, message })]),
	);

	const context = {
		getInputData: () => items,
		getNode: () => TEST_NODE,
		continueOnFail: () => options.continueOnFail ?? false,
		getCredentials: async () => store.data,
		logger,
		getNodeParameter: (name: string, itemIndex: number, ...fallback: unknown[]) => {
			const value = getPath(parametersOf(itemIndex), name);
			if (value !== undefined) return value;
			if (fallback.length > 0) return fallback[0];
			throw new Error(`Could not get parameter "${name}"`);
		},
		helpers: {
			httpRequest,
			httpRequestWithAuthentication(this: unknown, _type: string, requestOptions: IHttpRequestOptions) {
				return httpRequestWithAuthentication(store, TEST_NODE, requestOptions);
			},
			async prepareBinaryData(data: Buffer, fileName?: string, mimeType?: string) {
				return { data: data.toString('base64'), fileName, mimeType, fileSize: String(data.length) };
			},
			async getBinaryDataBuffer(itemIndex: number, property: string) {
				return Buffer.from(items[itemIndex].binary![property].data, 'base64');
			},
		},
	};
	return { context: context as unknown as IExecuteFunctions, store, logs };
}

export async function runNode(options: RunOptions) {
	const { context, store, logs } = createExecuteContext(options);
	const [output] = await new ACube().execute.call(context);
	return { output, store, logs };
}

export function decodeBinary(item: INodeExecutionData, property = 'data'): Buffer {
	return Buffer.from(item.binary![property].data, 'base64');
}
