// One way to write a probability as a percentage, shared with the renderers.
export { percentText } from '../../visualizations/scales';
