import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

function errorJson(error: Error): IDataObject {
	const json: IDataObject = { message: error.message };
	const { description, httpCode } = error as { description?: unknown; httpCode?: unknown };
	if (typeof description === 'string' && description !== '') json.description = description;
	if (httpCode !== undefined && httpCode !== null) json.httpCode = String(httpCode);
	return json;
}

function withItemIndex(this: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(this.getNode(), error as Error, { itemIndex });
}

/**
 * Runs a handler for every input item with at most `concurrency` in flight, keeping output order and
 * pairedItem those of the input. The first item runs alone so that the credential's one login has
 * happened before the rest start. With "Continue On Fail", a failed item keeps what the user sent
 * and gains an `error` field; the other items carry on.
 */
export async function runItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	concurrency: number,
	handler: (itemIndex: number) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const results: INodeExecutionData[][] = new Array(items.length);
	const continueOnFail = this.continueOnFail();
	let next = 0;
	let failure: Error | undefined;

	const runOne = async (itemIndex: number) => {
		try {
			const output = await handler(itemIndex);
			results[itemIndex] = output.map((item) => ({ ...item, pairedItem: { item: itemIndex } }));
		} catch (error) {
			const wrapped = withItemIndex.call(this, error, itemIndex);
			if (!continueOnFail) {
				failure ??= wrapped;
				return;
			}
			const input = items[itemIndex];
			results[itemIndex] = [
				{
					json: { ...input.json, error: errorJson(wrapped) },
					...(input.binary ? { binary: input.binary } : {}),
					pairedItem: { item: itemIndex },
				},
			];
		}
	};
	const worker = async () => {
		while (failure === undefined && next < items.length) {
			await runOne(next++);
		}
	};

	if (items.length > 0) await runOne(next++);
	const width = Math.max(1, Math.min(Math.floor(concurrency) || 1, items.length - 1));
	await Promise.all(Array.from({ length: width }, worker));
	if (failure) throw failure;
	return results.flat();
}
