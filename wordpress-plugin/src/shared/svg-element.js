/**
 * Makes SVG elements for the plain-SVG charts (the dashboard's trend lines, the post editor's chart).
 */

const SVG = 'http://www.w3.org/2000/svg';

/**
 * Makes an SVG element.
 *
 * @param {string}                        name         Element name, e.g. 'path'.
 * @param {Object<string, string|number>} [attributes] Attributes (undefined and null ones are left out).
 * @param {Array<Node|string>}            [children]   Children.
 * @return {SVGElement} The element.
 */
export function svgElement(name, attributes = {}, children = []) {
	const element = document.createElementNS(SVG, name);
	Object.entries(attributes).forEach(([attribute, value]) => {
		if (value !== undefined && value !== null) {
			element.setAttribute(attribute, String(value));
		}
	});
	element.append(...children);
	return element;
}
