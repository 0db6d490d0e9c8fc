/**
 * @wordpress/scripts' webpack config, plus the scripts that are not part of a block:
 *   src/widget/index.js        -> build/widget.js (+ widget.asset.php)
 *   src/admin-column/index.js  -> build/admin-column.js (+ admin-column.asset.php)
 *   src/dashboard-widget/index.js -> build/dashboard-widget.js (+ dashboard-widget.asset.php)
 *   src/editor-chart/index.js  -> build/editor-chart.js: the block editor's "Readers over time" panel
 *   src/classic-chart/index.js -> build/classic-chart.js: the classic editor's "Readers over time" box
 * and the client SDK, copied as it is:
 *   @vip-presence/client/dist/vip-presence.min.js -> build/client.js (+ client.asset.php)
 * The block (src/block/block.json and its editor script) is found by the default config.
 *
 * The SDK is its own script (handle `vip-presence-client`), which the three scripts above depend
 * on: `import '@vip-presence/client/browser'` in them becomes that dependency (in their
 * `*.asset.php`) and the global `window.vipPresence`, not a second copy of the SDK. The SDK is
 * packages/client's esbuild + terser bundle (held there to its own 15 KB gzip budget): about 4 KB
 * gzip smaller than webpack + babel make of the same source.
 *
 * Size budgets (GZIP_BUDGET_BYTES): build/widget.js, the only plugin script of a post page besides
 * the SDK, and the post editor's chart scripts (plain SVG, no chart library; the editor loads the
 * WordPress scripts they use anyway) stay under their gzip budget, or the build fails (like the
 * SDK's own budget). The build prints each one's size.
 */
const crypto = require( 'crypto' );
const fs = require( 'fs' );
const path = require( 'path' );
const zlib = require( 'zlib' );
const CopyWebpackPlugin = require( 'copy-webpack-plugin' );
const DependencyExtractionWebpackPlugin = require( '@wordpress/dependency-extraction-webpack-plugin' );
const defaultConfig = require( '@wordpress/scripts/config/webpack.config' );

/** The SDK's handle, as includes/assets.php registers it. */
const CLIENT_HANDLE = 'vip-presence-client';
const CLIENT_REQUEST = '@vip-presence/client/browser';
const CLIENT_BUNDLE = require.resolve(
	'@vip-presence/client/dist/vip-presence.min.js'
);
/**
 * Gzip budgets (zlib level 6) of built scripts: the widgets' hydration (the SDK apart), and each of
 * the post editor's "Readers over time" scripts (chart, summary, refresh; WordPress's scripts apart).
 */
const GZIP_BUDGET_BYTES = {
	'widget.js': 2 * 1024,
	'editor-chart.js': 4 * 1024,
	'classic-chart.js': 4 * 1024,
};

const extraEntries = {
	widget: path.resolve( __dirname, 'src/widget/index.js' ),
	'admin-column': path.resolve( __dirname, 'src/admin-column/index.js' ),
	'dashboard-widget': path.resolve(
		__dirname,
		'src/dashboard-widget/index.js'
	),
	'editor-chart': path.resolve( __dirname, 'src/editor-chart/index.js' ),
	'classic-chart': path.resolve( __dirname, 'src/classic-chart/index.js' ),
};

/** Copies the SDK bundle to build/client.js with its asset file (no dependencies). */
function clientCopy() {
	return new CopyWebpackPlugin( {
		patterns: [
			{ from: CLIENT_BUNDLE, to: 'client.js', info: { minimized: true } },
			{
				from: CLIENT_BUNDLE,
				to: 'client.asset.php',
				transform: ( content ) => {
					const version = crypto
						.createHash( 'md5' )
						.update( content )
						.digest( 'hex' )
						.slice( 0, 20 );
					return `<?php return array('dependencies' => array(), 'version' => '${ version }');\n`;
				},
			},
		],
	} );
}

/** Prints the gzip size of each script with a budget, and fails the build when one is over it. */
class GzipSizeBudget {
	apply( compiler ) {
		compiler.hooks.afterEmit.tap( 'GzipSizeBudget', ( compilation ) => {
			for ( const [ name, budget ] of Object.entries( GZIP_BUDGET_BYTES ) ) {
				const file = path.join( compilation.outputOptions.path, name );
				if ( ! fs.existsSync( file ) ) {
					continue;
				}
				const gzip = zlib.gzipSync( fs.readFileSync( file ), {
					level: 6,
				} ).length;
				compilation.logger.info(
					`build/${ name }: ${ gzip } bytes gzip (budget ${ budget })`
				);
				if ( gzip > budget ) {
					compilation.errors.push(
						new Error(
							`build/${ name } is ${ gzip } bytes gzip, over its budget of ${ budget } (GZIP_BUDGET_BYTES, webpack.config.js)`
						)
					);
				}
			}
		} );
	}
}

function withPluginScripts( config ) {
	const defaultEntry = config.entry;
	return {
		...config,
		entry: () => ( {
			...( typeof defaultEntry === 'function'
				? defaultEntry()
				: defaultEntry ),
			...extraEntries,
		} ),
		plugins: [
			...config.plugins.filter(
				( plugin ) =>
					! ( plugin instanceof DependencyExtractionWebpackPlugin )
			),
			new DependencyExtractionWebpackPlugin( {
				requestToExternal: ( request ) =>
					request === CLIENT_REQUEST ? 'vipPresence' : undefined,
				requestToHandle: ( request ) =>
					request === CLIENT_REQUEST ? CLIENT_HANDLE : undefined,
			} ),
			clientCopy(),
			new GzipSizeBudget(),
		],
	};
}

// With WP_EXPERIMENTAL_MODULES the default export is [ scriptConfig, moduleConfig ].
module.exports = Array.isArray( defaultConfig )
	? [ withPluginScripts( defaultConfig[ 0 ] ), ...defaultConfig.slice( 1 ) ]
	: withPluginScripts( defaultConfig );
