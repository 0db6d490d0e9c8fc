<?php
/**
 * Settings > VIP Presence: the admin screen for the options registered in settings.php.
 *
 * @package vip-presence
 * @since 0.1.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Adds the Settings > VIP Presence screen.
 *
 * @since 0.1.0
 */
function vip_presence_add_settings_page() {
	add_options_page(
		__( 'VIP Presence', 'vip-presence' ),
		__( 'VIP Presence', 'vip-presence' ),
		'manage_options',
		'vip-presence',
		'vip_presence_render_settings_page'
	);
}
add_action( 'admin_menu', 'vip_presence_add_settings_page' );

/**
 * Adds a "Settings" link to the plugin's row on the Plugins screen.
 *
 * @since 0.1.0
 *
 * @param string[] $links Action links.
 * @return string[] Action links.
 */
function vip_presence_plugin_action_links( $links ) {
	if ( current_user_can( 'manage_options' ) ) {
		$links[] = sprintf(
			'<a href="%s">%s</a>',
			esc_url( admin_url( 'options-general.php?page=vip-presence' ) ),
			esc_html__( 'Settings', 'vip-presence' )
		);
	}
	return $links;
}
add_filter( 'plugin_action_links_' . plugin_basename( VIP_PRESENCE_PLUGIN_FILE ), 'vip_presence_plugin_action_links' );

/**
 * Adds the sections and fields of the settings screen.
 *
 * @since 0.1.0
 */
function vip_presence_add_settings_fields() {
	add_settings_section(
		'vip_presence_connection',
		__( 'Presence server', 'vip-presence' ),
		'__return_false',
		'vip-presence'
	);
	add_settings_field(
		'vip_presence_server_url',
		__( 'Server URL', 'vip-presence' ),
		'vip_presence_render_server_url_field',
		'vip-presence',
		'vip_presence_connection',
		array( 'label_for' => 'vip_presence_server_url' )
	);
	add_settings_field(
		'vip_presence_api_url',
		__( 'Read API URL', 'vip-presence' ),
		'vip_presence_render_api_url_field',
		'vip-presence',
		'vip_presence_connection',
		array( 'label_for' => 'vip_presence_api_url' )
	);
	add_settings_field(
		'vip_presence_secret',
		__( 'Shared secret', 'vip-presence' ),
		'vip_presence_render_secret_field',
		'vip-presence',
		'vip_presence_connection',
		array( 'label_for' => 'vip_presence_secret' )
	);
	add_settings_field(
		'vip_presence_site_key',
		__( 'Site key', 'vip-presence' ),
		'vip_presence_render_site_key_field',
		'vip-presence',
		'vip_presence_connection'
	);

	add_settings_section(
		'vip_presence_display',
		__( 'Display', 'vip-presence' ),
		'__return_false',
		'vip-presence'
	);
	add_settings_field(
		'vip_presence_auto_insert',
		__( 'Insert the widget automatically', 'vip-presence' ),
		'vip_presence_render_auto_insert_field',
		'vip-presence',
		'vip_presence_display'
	);
	add_settings_field(
		'vip_presence_post_types',
		__( 'Post types', 'vip-presence' ),
		'vip_presence_render_post_types_field',
		'vip-presence',
		'vip_presence_display'
	);
	add_settings_field(
		'vip_presence_hide_below',
		__( 'Hide counts below', 'vip-presence' ),
		'vip_presence_render_hide_below_field',
		'vip-presence',
		'vip_presence_display',
		array( 'label_for' => 'vip_presence_hide_below' )
	);
	add_settings_field(
		'vip_presence_hidden_tabs_minutes',
		__( 'Stop counting background tabs after', 'vip-presence' ),
		'vip_presence_render_hidden_tabs_field',
		'vip-presence',
		'vip_presence_display',
		array( 'label_for' => 'vip_presence_hidden_tabs_minutes' )
	);
}
add_action( 'admin_init', 'vip_presence_add_settings_fields' );

/**
 * Prints the checks of the presence server made from WordPress's server (server-checks.php): the
 * last one, kept five minutes, with a button that checks again. It tells what was checked, and
 * leaves to the browser what only a browser can tell.
 *
 * @since 0.1.0
 * @since 0.2.0 Every check of server-checks.php, cached, with "Check again".
 */
function vip_presence_render_connection_status() {
	$check   = vip_presence_get_connection_check();
	$url     = vip_presence_get_server_url();
	$classes = array(
		'ok'           => 'notice-success',
		'warning'      => 'notice-warning',
		'error'        => 'notice-error',
		'unconfigured' => 'notice-info',
	);
	$status  = isset( $classes[ $check['status'] ] ) ? $check['status'] : 'unconfigured';
	printf(
		'<div id="vip-presence-connection-status" class="notice inline %1$s" data-vip-presence-connection="%2$s" data-vip-presence-checked-at="%3$d">',
		esc_attr( $classes[ $status ] ),
		esc_attr( $status ),
		(int) $check['checked_at']
	);
	if ( 'unconfigured' === $status ) {
		printf( '<p>%s</p></div>', esc_html__( 'Not connected: enter the URL of your presence server below. Until then the plugin shows nothing to readers.', 'vip-presence' ) );
		return;
	}
	$headlines = array(
		/* translators: %s: server URL */
		'ok'      => __( 'The presence server at %s is ready and lets browsers on this site connect, as checked from WordPress\'s server.', 'vip-presence' ),
		/* translators: %s: server URL */
		'warning' => __( 'The presence server at %s works, but some checks from WordPress\'s server need a look.', 'vip-presence' ),
		/* translators: %s: server URL */
		'error'   => __( 'Readers may not get live counts from the presence server at %s: see below what to fix.', 'vip-presence' ),
	);
	$words     = array(
		'good'        => __( 'OK', 'vip-presence' ),
		'recommended' => __( 'Recommended', 'vip-presence' ),
		'critical'    => __( 'Critical', 'vip-presence' ),
	);
	printf( '<p><strong>%s</strong></p><ul class="vip-presence-checks">', esc_html( sprintf( $headlines[ $status ], $url ) ) );
	foreach ( $check['checks'] as $result ) {
		$word = isset( $words[ $result['status'] ] ) ? $words[ $result['status'] ] : $result['status'];
		/* translators: 1: OK, Recommended or Critical, 2: what the check found */
		$heading = sprintf( __( '%1$s: %2$s.', 'vip-presence' ), $word, $result['label'] );
		printf(
			'<li data-vip-presence-check="%1$s" data-vip-presence-check-status="%2$s"><strong>%3$s</strong> %4$s</li>',
			esc_attr( $result['test'] ),
			esc_attr( $result['status'] ),
			esc_html( $heading ),
			esc_html( implode( ' ', $result['description'] ) )
		);
	}
	printf( '</ul><p>%s</p>', esc_html( vip_presence_browser_only_note() ) );
	printf( '<form method="post" action="%s">', esc_url( admin_url( 'admin-post.php' ) ) );
	// Not wp_nonce_field(): its id="_wpnonce" is the settings form's too, further down the screen.
	printf(
		'<input type="hidden" name="action" value="vip_presence_check_connection" /><input type="hidden" name="_wpnonce" value="%s" />',
		esc_attr( wp_create_nonce( 'vip_presence_check_connection' ) )
	);
	printf(
		'<p>%1$s <button type="submit" class="button" id="vip-presence-check-again">%2$s</button></p></form></div>',
		esc_html(
			sprintf(
				/* translators: %s: how long ago, e.g. "3 mins" */
				__( 'Checked %s ago.', 'vip-presence' ),
				human_time_diff( (int) $check['checked_at'] )
			)
		),
		esc_html__( 'Check again', 'vip-presence' )
	);
}

/**
 * Checks the presence server again (the "Check again" button of Settings > VIP Presence), then goes
 * back to the settings screen, which shows the new check.
 *
 * @since 0.2.0
 */
function vip_presence_handle_check_again() {
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_die( esc_html__( 'Sorry, you are not allowed to check the presence server.', 'vip-presence' ), '', array( 'response' => 403 ) );
	}
	check_admin_referer( 'vip_presence_check_connection' );
	vip_presence_get_connection_check( true );
	wp_safe_redirect( admin_url( 'options-general.php?page=vip-presence#vip-presence-connection-status' ) );
	exit;
}
add_action( 'admin_post_vip_presence_check_connection', 'vip_presence_handle_check_again' );

/**
 * Prints the settings screen.
 *
 * @since 0.1.0
 */
function vip_presence_render_settings_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	?>
	<div class="wrap">
		<h1><?php echo esc_html( get_admin_page_title() ); ?></h1>
		<h2><?php esc_html_e( 'Connection', 'vip-presence' ); ?></h2>
		<?php vip_presence_render_connection_status(); ?>
		<?php vip_presence_render_site_key_notices(); ?>
		<form action="options.php" method="post">
			<?php
			settings_fields( 'vip_presence' );
			do_settings_sections( 'vip-presence' );
			submit_button();
			?>
		</form>
	</div>
	<?php
}
