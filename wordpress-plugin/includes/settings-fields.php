<?php
/**
 * Settings > VIP Presence: the fields of the screen (settings-page.php adds them), each showing its
 * option and, when a wp-config.php constant locks it, saying so.
 *
 * @package vip-presence
 * @since 0.2.0 Apart from settings-page.php.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Prints the note shown under a field that a wp-config.php constant locks.
 *
 * @since 0.1.0
 *
 * @param string $constant Name of the constant.
 */
function vip_presence_render_locked_note( $constant ) {
	printf(
		'<p class="description">%s</p>',
		wp_kses(
			sprintf(
				/* translators: 1: constant name, 2: wp-config.php */
				__( 'Set by the %1$s constant in %2$s; change it there.', 'vip-presence' ),
				'<code>' . esc_html( $constant ) . '</code>',
				'<code>wp-config.php</code>'
			),
			array( 'code' => array() )
		)
	);
}

/**
 * Prints the server URL field.
 *
 * @since 0.1.0
 */
function vip_presence_render_server_url_field() {
	$locked = vip_presence_is_server_url_locked();
	$value  = $locked ? (string) VIP_PRESENCE_SERVER_URL : (string) get_option( 'vip_presence_server_url', '' );
	printf(
		'<input type="text" inputmode="url" spellcheck="false" autocomplete="off" id="vip_presence_server_url" %1$s value="%2$s" class="regular-text code" placeholder="https://presence.example.com" aria-describedby="vip-presence-server-url-description" %3$s />',
		$locked ? '' : 'name="vip_presence_server_url"',
		esc_attr( $value ),
		disabled( $locked, true, false )
	);
	echo '<div id="vip-presence-server-url-description">';
	if ( $locked ) {
		vip_presence_render_locked_note( 'VIP_PRESENCE_SERVER_URL' );
		if ( null === vip_presence_parse_server_url( VIP_PRESENCE_SERVER_URL ) ) {
			printf(
				'<p class="description"><strong>%s</strong></p>',
				esc_html__( 'This value is not a valid server URL, so the widget stays off. Use an http:// or https:// address with a host name and no path.', 'vip-presence' )
			);
		}
	} else {
		printf(
			'<p class="description">%s</p>',
			esc_html__( 'Address of the presence server, for example https://presence.example.com or http://localhost:3000. Readers\' browsers connect to it; WordPress asks it for the connection check and the dashboard widget.', 'vip-presence' )
		);
	}
	echo '</div>';
}

/**
 * Prints the read API URL field: where WordPress itself reads counts (the server's private port).
 *
 * @since 0.2.0
 */
function vip_presence_render_api_url_field() {
	$locked = vip_presence_is_api_url_locked();
	$value  = $locked ? (string) VIP_PRESENCE_API_URL : (string) get_option( 'vip_presence_api_url', '' );
	printf(
		'<input type="text" inputmode="url" spellcheck="false" autocomplete="off" id="vip_presence_api_url" %1$s value="%2$s" class="regular-text code" placeholder="%3$s" aria-describedby="vip-presence-api-url-description" %4$s />',
		$locked ? '' : 'name="vip_presence_api_url"',
		esc_attr( $value ),
		esc_attr( vip_presence_get_server_url() ),
		disabled( $locked, true, false )
	);
	echo '<div id="vip-presence-api-url-description">';
	if ( $locked ) {
		vip_presence_render_locked_note( 'VIP_PRESENCE_API_URL' );
		if ( '' !== trim( $value ) && '' === vip_presence_get_api_url_setting() ) {
			printf(
				'<p class="description"><strong>%s</strong></p>',
				esc_html__( 'This value is not a valid URL, so WordPress reads counts at the server URL. Use an http:// or https:// address with a host name and no path.', 'vip-presence' )
			);
		}
	} else {
		printf(
			'<p class="description">%s</p>',
			esc_html__( 'Where WordPress itself reads counts (the Reading now column and the dashboard widget): the presence server\'s private port, its PRIVATE_HOST and PRIVATE_PORT (http://127.0.0.1:3001 when it runs on this machine with its defaults). Browsers never see it. Leave it empty to use the server URL, as servers before 0.2.0 need.', 'vip-presence' )
		);
	}
	echo '</div>';
}

/**
 * Prints the shared secret field. The secret itself is never printed back: only whether it is set.
 *
 * @since 0.1.0
 */
function vip_presence_render_secret_field() {
	$locked = vip_presence_is_secret_locked();
	$is_set = '' !== vip_presence_get_secret();
	printf(
		'<p id="vip-presence-secret-status"><strong>%s</strong></p>',
		$is_set ? esc_html__( 'Status: set', 'vip-presence' ) : esc_html__( 'Status: not set', 'vip-presence' )
	);
	if ( $locked ) {
		echo '<input type="password" id="vip_presence_secret" value="" class="regular-text code" disabled="disabled" aria-describedby="vip-presence-secret-status vip-presence-secret-description" />';
		echo '<div id="vip-presence-secret-description">';
		vip_presence_render_locked_note( 'VIP_PRESENCE_SECRET' );
		echo '</div>';
		return;
	}
	printf(
		'<input type="password" id="vip_presence_secret" name="vip_presence_secret[value]" value="" class="regular-text code" autocomplete="new-password" spellcheck="false" placeholder="%s" aria-describedby="vip-presence-secret-status vip-presence-secret-description" />',
		$is_set ? esc_attr__( 'Leave blank to keep the current secret', 'vip-presence' ) : ''
	);
	if ( $is_set ) {
		printf(
			'<p><label><input type="checkbox" name="vip_presence_secret[clear]" value="1" /> %s</label></p>',
			esc_html__( 'Remove the secret', 'vip-presence' )
		);
	}
	printf(
		'<p class="description" id="vip-presence-secret-description">%s</p>',
		esc_html__( 'The same secret as the server\'s PRESENCE_SECRET. WordPress signs a view token for each post with it, so the server only counts readers of real posts. Without a secret, the server must run in its development mode.', 'vip-presence' )
	);
}

/**
 * Prints the site key, read-only: the key this site's counts have on the presence server (the read
 * API's `?site=`), and where it comes from.
 *
 * @since 0.2.0
 */
function vip_presence_render_site_key_field() {
	$info = vip_presence_get_site_key_info();
	if ( '' === $info['key'] ) {
		printf(
			'<p><code id="vip-presence-site-key" data-vip-presence-site-key="">%1$s</code></p><p class="description">%2$s</p>',
			esc_html( "''" ),
			esc_html__( 'None: this site is the presence server\'s default site. Its view tokens are of version 1, and the server\'s read API answers for it without a site parameter.', 'vip-presence' )
		);
	} else {
		printf(
			'<p><code id="vip-presence-site-key" data-vip-presence-site-key="%1$s">%2$s</code></p><p class="description">%3$s</p>',
			esc_attr( $info['key'] ),
			esc_html( $info['key'] ),
			wp_kses(
				sprintf(
					/* translators: %s: the site parameter of the read API, e.g. ?site=example-org-1a2b3c4d */
					__( 'The presence server keeps this site\'s counts under this key, apart from other sites that share the server. To read them from the server\'s API, add %s.', 'vip-presence' ),
					'<code>?site=' . esc_html( $info['key'] ) . '</code>'
				),
				array( 'code' => array() )
			)
		);
	}
	$sources = array(
		/* translators: 1: constant name, 2: wp-config.php */
		'constant' => sprintf( __( 'Set by the %1$s constant in %2$s.', 'vip-presence' ), '<code>VIP_PRESENCE_SITE_KEY</code>', '<code>wp-config.php</code>' ),
		/* translators: %s: filter name */
		'filter'   => sprintf( __( 'Set by the %s filter.', 'vip-presence' ), '<code>vip_presence_site_key</code>' ),
		/* translators: 1: the home URL of the site, 2: constant name */
		'home_url' => sprintf( __( 'Derived from this site\'s home URL, %1$s, so it is unique to this site. To choose it, define the %2$s constant.', 'vip-presence' ), '<code>' . esc_html( (string) get_option( 'home', '' ) ) . '</code>', '<code>VIP_PRESENCE_SITE_KEY</code>' ),
	);
	printf(
		'<p class="description" id="vip-presence-site-key-source" data-vip-presence-site-key-source="%1$s">%2$s</p>',
		esc_attr( $info['source'] ),
		wp_kses( $sources[ $info['source'] ], array( 'code' => array() ) )
	);
}

/**
 * Prints the problems of the site key (a malformed constant, a constant shared by a network) as
 * notices at the top of the settings screen.
 *
 * @since 0.2.0
 */
function vip_presence_render_site_key_notices() {
	foreach ( vip_presence_get_site_key_problems() as $problem ) {
		printf(
			'<div class="notice inline %1$s" data-vip-presence-notice="%2$s"><p>%3$s</p></div>',
			esc_attr( 'error' === $problem['type'] ? 'notice-error' : 'notice-warning' ),
			esc_attr( $problem['code'] ),
			esc_html( $problem['message'] )
		);
	}
}

/**
 * Prints the auto-insert field (radio buttons).
 *
 * @since 0.1.0
 */
function vip_presence_render_auto_insert_field() {
	$current = vip_presence_get_auto_insert();
	$labels  = array(
		'before' => __( 'Before the content', 'vip-presence' ),
		'after'  => __( 'After the content', 'vip-presence' ),
		'off'    => __( 'Off (use the block, the shortcode or the template tag)', 'vip-presence' ),
	);
	echo '<fieldset><legend class="screen-reader-text">' . esc_html__( 'Insert the widget automatically', 'vip-presence' ) . '</legend>';
	foreach ( $labels as $value => $label ) {
		printf(
			'<label><input type="radio" name="vip_presence_auto_insert" value="%1$s" %2$s /> %3$s</label><br />',
			esc_attr( $value ),
			checked( $current, $value, false ),
			esc_html( $label )
		);
	}
	echo '</fieldset>';
}

/**
 * Prints the post types field (a checkbox per public post type).
 *
 * @since 0.1.0
 */
function vip_presence_render_post_types_field() {
	$chosen = vip_presence_get_post_types();
	echo '<fieldset><legend class="screen-reader-text">' . esc_html__( 'Post types', 'vip-presence' ) . '</legend>';
	// Submitted even when every box is unchecked, so that "none" can be saved.
	echo '<input type="hidden" name="vip_presence_post_types[]" value="" />';
	foreach ( vip_presence_get_public_post_types() as $name ) {
		$object = get_post_type_object( $name );
		$label  = $object && isset( $object->labels->name ) ? $object->labels->name : $name;
		printf(
			'<label><input type="checkbox" name="vip_presence_post_types[]" value="%1$s" %2$s /> %3$s</label><br />',
			esc_attr( $name ),
			checked( in_array( $name, $chosen, true ), true, false ),
			esc_html( $label )
		);
	}
	printf(
		'<p class="description">%s</p>',
		esc_html__( 'Single views of these post types show the widget automatically (unless insertion is off), and their lists in the admin get a "Reading now" column.', 'vip-presence' )
	);
	echo '</fieldset>';
}

/**
 * Prints the "hide counts below" field.
 *
 * @since 0.1.0
 */
function vip_presence_render_hide_below_field() {
	printf(
		'<input type="number" min="0" step="1" id="vip_presence_hide_below" name="vip_presence_hide_below" value="%s" class="small-text" aria-describedby="vip-presence-hide-below-description" />',
		esc_attr( (string) vip_presence_get_hide_below() )
	);
	printf(
		'<p class="description" id="vip-presence-hide-below-description">%s</p>',
		esc_html__( 'The widget stays empty while fewer than this many other people view the post. 0 always shows it, including "You\'re the only one here".', 'vip-presence' )
	);
}

/**
 * Prints the background tabs field: after how many minutes hidden tabs stop counting.
 *
 * @since 0.2.0
 */
function vip_presence_render_hidden_tabs_field() {
	printf(
		'<input type="number" min="0" max="%1$d" step="1" id="vip_presence_hidden_tabs_minutes" name="vip_presence_hidden_tabs_minutes" value="%2$s" class="small-text" aria-describedby="vip-presence-hidden-tabs-description" /> %3$s',
		(int) vip_presence_max_hidden_tabs_minutes(),
		esc_attr( (string) vip_presence_get_hidden_tabs_minutes() ),
		esc_html__( 'minutes', 'vip-presence' )
	);
	printf(
		'<p class="description" id="vip-presence-hidden-tabs-description">%s</p>',
		esc_html__( 'A reader whose tabs showing the post have all been in the background (another tab in front, the window minimized) for this long stops counting, and counts again when a tab is shown; it is no new view. 0 keeps counting them for as long as the post is open.', 'vip-presence' )
	);
}
