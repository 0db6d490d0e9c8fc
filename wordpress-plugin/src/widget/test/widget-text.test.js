/**
 * Internal dependencies
 */
import { printedStrings, widgetText as text } from '../widget-text';

// What WordPress prints in English (includes/assets.php): the forms in the order _n() gave them from 0.
const english = printedStrings({
	alone: "You're the only one here",
	others: ['%s other people are viewing', '%s other person is viewing'],
	plural: '01' + '0'.repeat(198),
});
const widgetText = (state, hideBelow = 0, locale = undefined) =>
	text(state, hideBelow, locale, english);

/**
 * What WordPress prints for a language with three forms, by the rule of Polish:
 * nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2).
 *
 * @param {number} n A count.
 * @return {number} Index of its form.
 */
function polishForm(n) {
	if (n === 1) {
		return 0;
	}
	return n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 10 || n % 100 >= 20)
		? 1
		: 2;
}
const polish = printedStrings({
	alone: 'Jesteś tu sam',
	others: [
		'%s inna osoba czyta',
		'%s inne osoby czytają',
		'%s innych osób czyta',
	],
	plural: Array.from({ length: 200 }, (_, n) => polishForm(n)).join(''),
});

const live = (others, self = true) => ({
	postId: 42,
	count: self ? others + 1 : others,
	others,
	self,
	views: 10,
	status: 'live',
});

describe('widgetText', () => {
	it('says the reader is alone when nobody else is viewing', () => {
		expect(widgetText(live(0))).toBe("You're the only one here");
	});

	it('uses the singular for one other person and the plural above', () => {
		expect(widgetText(live(1))).toBe('1 other person is viewing');
		expect(widgetText(live(12))).toBe('12 other people are viewing');
	});

	it('formats large counts for the page language', () => {
		expect(widgetText(live(1234), 0, 'en-US')).toBe(
			'1,234 other people are viewing'
		);
	});

	it('shows nothing until the subscription is live', () => {
		for (const status of ['connecting', 'offline', 'error']) {
			expect(widgetText({ ...live(3), status })).toBe('');
		}
		expect(widgetText(undefined)).toBe('');
	});

	it('hides counts of fewer than K other people', () => {
		expect(widgetText(live(0), 1)).toBe('');
		expect(widgetText(live(2), 3)).toBe('');
		expect(widgetText(live(3), 3)).toBe('3 other people are viewing');
	});

	it('does not claim the reader is here when they are not counted', () => {
		expect(widgetText(live(0, false))).toBe('');
		expect(widgetText(live(2, false))).toBe('2 other people are viewing');
	});

	it('takes the plural form WordPress gave for each count, past the printed counts too', () => {
		const forms = [
			'%s inna osoba czyta',
			'%s inne osoby czytają',
			'%s innych osób czyta',
		];
		for (const n of [
			2, 5, 12, 22, 25, 112, 199, 200, 201, 212, 222, 1002, 1012, 123456,
		]) {
			expect(text(live(n), 0, 'en-US', polish)).toBe(
				forms[polishForm(n)].replace(
					'%s',
					new Intl.NumberFormat('en-US').format(n)
				)
			);
		}
	});

	it('puts the count where a translation with a numbered placeholder wants it', () => {
		const numbered = printedStrings({
			alone: 'x',
			others: ['Jetzt %1$s andere Person', 'Jetzt %1$s andere Personen'],
			plural: '10' + '1'.repeat(198),
		});
		expect(text(live(3), 0, 'de-DE', numbered)).toBe(
			'Jetzt 3 andere Personen'
		);
	});

	it('shows nothing without texts from WordPress', () => {
		expect(text(live(3), 0, 'en-US', printedStrings(undefined))).toBe('');
		expect(text(live(3), 0, 'en-US', printedStrings({ alone: 'x' }))).toBe(
			''
		);
	});

	it('ignores nonsense counts', () => {
		expect(widgetText({ ...live(1), others: -1 })).toBe('');
		expect(widgetText({ ...live(1), others: 1.5 })).toBe('');
		expect(widgetText({ ...live(1), others: undefined })).toBe('');
	});
});
