#!/usr/bin/env node
/**
 * Makes languages/vip-presence.pot, the template of the plugin's translations (text domain
 * `vip-presence`): the plugin header, the gettext calls of the PHP files and the `__()`/`_n()` calls
 * of @wordpress/i18n in src/, extracted by @wp-blocks/make-pot, plus the strings of
 * src/block/block.json.
 *
 * Usage: node bin/make-pot.js          writes it (`npm run pot`); left as it is when only its date differs
 *        node bin/make-pot.js --check  fails when the committed file is not current (run by `npm test`)
 *
 * The file is the same on every machine and every run, except for its POT-Creation-Date line:
 * - entries are sorted by their first reference (the main file first, then by path and line), and
 *   references within an entry the same way: the extractor follows the order in which the file
 *   system lists files, which differs between machines;
 * - references name the file without the line (`#: includes/widget.php`), so that a line added above
 *   a string does not make the committed file stale: it goes stale when a string is added, changed,
 *   removed, or moves to another file or before another string of its file;
 * - the header says what a template says ("YEAR-MO-DA", "FULL NAME", no language), where the
 *   extractor writes this year, the author and "en";
 * - block.json is read here, offline, with the contexts WordPress translates it with
 *   (`_x( $title, 'block title', ... )`), where the extractor fetches its schema from the network and
 *   writes no context;
 * - "translators:" comments are written as extracted comments (`#. translators: ...`), which
 *   msgmerge carries into every translation, where the extractor writes translator comments (`# ...`);
 * - a source file with gettext calls for the text domain and no reference in the output (the
 *   extractor skips files it fails to parse, without a word) fails the run.
 */
'use strict';

const childProcess = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const PLUGIN_DIR = path.resolve(__dirname, '..');
const MAIN_FILE = 'vip-presence.php';
const POT_FILE = 'languages/vip-presence.pot';
const BLOCK_JSON = 'src/block/block.json';
const TEXT_DOMAIN = 'vip-presence';
const FILE_COMMENT = [
	'# Translation template of the VIP Presence plugin.',
	'# This file is distributed under the GPL-2.0-or-later license.',
	'# Made by `npm run pot -w @vip-presence/wordpress-plugin`; do not edit.',
].join('\n');

// The keys of block.json that WordPress translates, with their contexts (wp-includes/block-i18n.json).
const BLOCK_I18N_SCHEMA = {
	title: 'block title',
	description: 'block description',
	keywords: ['block keyword'],
	styles: [{ label: 'block style label' }],
	variations: [
		{
			title: 'block variation title',
			description: 'block variation description',
			keywords: ['block variation keyword'],
		},
	],
};

// Calls that take the text domain in PHP (includes/, the main file) and in @wordpress/i18n (src/).
const GETTEXT_CALL =
	/\b(?:__|_e|_x|_ex|_n|_nx|_n_noop|_nx_noop|esc_html__|esc_html_e|esc_html_x|esc_attr__|esc_attr_e|esc_attr_x)\s*\(/;

function fail(message) {
	process.stderr.write(`make-pot: ${message}\n`);
	process.exit(1);
}

/** Runs the extractor into a temporary folder: what it wrote, or `{ error }`. */
function extract() {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vip-presence-pot-'));
	try {
		const result = childProcess.spawnSync(
			process.execPath,
			[
				require.resolve('@wp-blocks/make-pot/lib/makePot.js'),
				'.',
				// The extractor takes the destination relative to the source folder.
				path.relative(PLUGIN_DIR, tmp),
				'--slug',
				TEXT_DOMAIN,
				'--domain',
				'plugin',
				'--charset',
				'utf-8',
				'--file-comment',
				FILE_COMMENT,
				'--skip-block-json',
				'--skip-audit',
				'--silent',
			],
			{
				cwd: PLUGIN_DIR,
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'pipe'],
				timeout: 120000,
			}
		);
		const file = path.join(tmp, `${TEXT_DOMAIN}.pot`);
		if (result.status === 0 && fs.existsSync(file)) {
			return fs.readFileSync(file, 'utf8');
		}
		return {
			error: `@wp-blocks/make-pot wrote no ${TEXT_DOMAIN}.pot (exit ${result.status}):\n${result.stdout}${result.stderr}`,
		};
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
}

function poString(text) {
	return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** The entries of block.json, one per context and text. */
function blockJsonEntries() {
	const pairs = new Map();
	const walk = (value, schema) => {
		if (typeof schema === 'string') {
			if (typeof value === 'string' && value !== '') {
				pairs.set(`${schema}\u0004${value}`, [schema, value]);
			}
		} else if (Array.isArray(schema)) {
			if (Array.isArray(value)) {
				value.forEach((item) => walk(item, schema[0]));
			}
		} else if (value && typeof value === 'object') {
			Object.keys(schema).forEach((key) => walk(value[key], schema[key]));
		}
	};
	walk(
		JSON.parse(fs.readFileSync(path.join(PLUGIN_DIR, BLOCK_JSON), 'utf8')),
		BLOCK_I18N_SCHEMA
	);
	return [...pairs.values()].map(([context, text]) =>
		[
			`#: ${BLOCK_JSON}`,
			`msgctxt ${poString(context)}`,
			`msgid ${poString(text)}`,
			'msgstr ""',
		].join('\n')
	);
}

/**
 * Parses a reference into a sort key.
 *
 * @param {string} reference "path:line", or "path".
 * @return {{file: string, line: number}} The key (line 0 when there is none).
 */
function referenceKey(reference) {
	const match = /^(.*?)(?::(\d+))?$/.exec(reference);
	return { file: match[1], line: match[2] ? Number(match[2]) : 0 };
}

function compareReferences(a, b) {
	const x = referenceKey(a);
	const y = referenceKey(b);
	if (x.file !== y.file) {
		if (x.file === MAIN_FILE || y.file === MAIN_FILE) {
			return x.file === MAIN_FILE ? -1 : 1;
		}
		return x.file < y.file ? -1 : 1;
	}
	return x.line - y.line;
}

const COMMENT_ORDER = ['#.', '#:', '#,', '#|'];

/**
 * Puts an entry's lines in a fixed order: comments, references (sorted, by file), flags, strings.
 *
 * @param {string} entry One entry of the extractor's output.
 * @return {{text: string, firstReference: string}} The entry, and its first reference for sorting.
 */
function normalizeEntry(entry) {
	const lines = entry.split('\n');
	const comments = [];
	const references = [];
	const rest = [];
	for (const line of lines) {
		if (line.startsWith('#:')) {
			references.push(
				...line.slice(2).trim().split(/\s+/).filter(Boolean)
			);
		} else if (line === '#' || line.startsWith('# ')) {
			comments.push(`#. translators: ${line.slice(2)}`);
		} else if (line.startsWith('#')) {
			comments.push(line);
		} else {
			rest.push(line);
		}
	}
	references.sort(compareReferences);
	const files = [
		...new Set(references.map((reference) => referenceKey(reference).file)),
	];
	const ordered = [...comments, ...files.map((file) => `#: ${file}`)].sort(
		(a, b) =>
			COMMENT_ORDER.indexOf(a.slice(0, 2)) -
			COMMENT_ORDER.indexOf(b.slice(0, 2))
	);
	return {
		text: [...ordered, ...rest].join('\n'),
		firstReference: references[0] || '',
	};
}

function normalizeHeader(header) {
	return header
		.replace(
			/^"PO-Revision-Date: .*\\n"$/m,
			'"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"'
		)
		.replace(
			/^"Last-Translator: .*\\n"$/m,
			'"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"'
		)
		.replace(
			/^"Language-Team: .*\\n"$/m,
			'"Language-Team: LANGUAGE <LL@li.org>\\n"'
		)
		.replace(/^"Language: .*\\n"\n/m, '');
}

/**
 * Turns the extractor's output into the committed file (see the top of this file).
 *
 * @param {string} pot What the extractor wrote.
 * @return {string} The file.
 */
function normalize(pot) {
	const [header, ...entries] = pot
		.replace(/\r\n/g, '\n')
		.trim()
		.split(/\n{2,}/);
	if (!/^msgid ""$/m.test(header) || !/X-Domain: vip-presence/.test(header)) {
		fail(`unexpected header from @wp-blocks/make-pot:\n${header}`);
	}
	const sorted = [...entries, ...blockJsonEntries()]
		.map(normalizeEntry)
		.sort(
			(a, b) =>
				compareReferences(a.firstReference, b.firstReference) ||
				(a.text < b.text ? -1 : Number(a.text > b.text))
		)
		.map((entry) => entry.text);
	return `${[normalizeHeader(header), ...sorted].join('\n\n')}\n`;
}

/** Source files with gettext calls for the text domain. */
function sourcesWithStrings() {
	const files = [MAIN_FILE];
	const walk = (dir) => {
		for (const entry of fs.readdirSync(path.join(PLUGIN_DIR, dir), {
			withFileTypes: true,
		})) {
			const relative = `${dir}/${entry.name}`;
			if (entry.isDirectory()) {
				if (entry.name !== 'test') {
					walk(relative);
				}
			} else if (
				/\.(php|js)$/.test(entry.name) &&
				!/\.test\.js$/.test(entry.name)
			) {
				files.push(relative);
			}
		}
	};
	walk('includes');
	walk('src');
	return files.filter((file) => {
		const source = fs.readFileSync(path.join(PLUGIN_DIR, file), 'utf8');
		return GETTEXT_CALL.test(source) && source.includes(`'${TEXT_DOMAIN}'`);
	});
}

function withoutCreationDate(pot) {
	return pot.replace(/^"POT-Creation-Date: .*\\n"$/m, '');
}

function main() {
	const extracted = extract();
	if (typeof extracted !== 'string') {
		fail(extracted.error);
	}
	const pot = normalize(extracted);
	const missing = sourcesWithStrings().filter(
		(file) => !pot.includes(`#: ${file}\n`)
	);
	if (missing.length > 0) {
		fail(
			`no strings extracted from ${missing.join(', ')} (a parse error?)`
		);
	}
	const target = path.join(PLUGIN_DIR, POT_FILE);
	const current = fs.existsSync(target)
		? fs.readFileSync(target, 'utf8')
		: null;
	const upToDate =
		current !== null &&
		withoutCreationDate(current) === withoutCreationDate(pot);

	if (process.argv.includes('--check')) {
		if (!upToDate) {
			fail(
				`${POT_FILE} is not current with the sources: run \`npm run pot -w @vip-presence/wordpress-plugin\` and commit it`
			);
		}
		process.stdout.write(`make-pot: ${POT_FILE} is current\n`);
		return;
	}
	if (upToDate) {
		process.stdout.write(`make-pot: ${POT_FILE} unchanged\n`);
		return;
	}
	fs.mkdirSync(path.dirname(target), { recursive: true });
	fs.writeFileSync(target, pot);
	process.stdout.write(`make-pot: wrote ${POT_FILE}\n`);
}

main();
