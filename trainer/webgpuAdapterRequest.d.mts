// Types of webgpuAdapterRequest.mjs (plain JavaScript, shared with the child-process probe).
export interface AdapterRoute {
  backend: 'vulkan' | 'opengles';
  flags: string[];
  requests: Array<GPURequestAdapterOptions & { featureLevel?: string }>;
}
export const SOFTWARE_BACKEND_ENV: string;
export const ROUTES: Record<'hardware' | 'software', AdapterRoute[]>;
export function isSoftwareInfo(info: { isFallbackAdapter?: boolean; device?: string; description?: string }): boolean;
export function requestAdapter(
  dawn: { create(flags: string[]): GPU },
  kind: 'hardware' | 'software',
  backend?: AdapterRoute['backend'],
): Promise<{ adapter: GPUAdapter; gpu: GPU; route: AdapterRoute } | null>;
