export { createLiquidTemplateRenderer } from './liquid-template-renderer.js';
export type { LiquidTemplateRendererOptions } from './liquid-template-renderer.js';
