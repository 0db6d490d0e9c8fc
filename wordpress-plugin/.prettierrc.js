// WordPress code style for the plugin's JavaScript (the monorepo's root config is for TypeScript).
module.exports = require( '@wordpress/prettier-config' );
