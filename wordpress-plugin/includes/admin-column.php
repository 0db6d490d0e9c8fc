<?php
/**
 * The live "Reading now" column of the posts lists. The page watches every listed post without being
 * counted (one socket, `{ count: false }`), so no tokens are needed.
 *
 *   <span class="vip-presence-column" data-vip-presence-post-id="42"></span>
 *
 * @package vip-presence
 * @since 0.1.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Returns the post types whose lists get the column.
 *
 * @since 0.1.0
 *
 * @return string[] Post type names; the chosen post types unless filtered.
 */
function vip_presence_get_column_post_types() {
	/**
	 * Filters the post types whose admin lists get the "Reading now" column.
	 *
	 * @since 0.1.0
	 *
	 * @param string[] $post_types Post type names. Default: the post types chosen in the settings.
	 */
	$post_types = apply_filters( 'vip_presence_column_post_types', vip_presence_get_post_types() );
	return is_array( $post_types ) ? $post_types : array();
}

/**
 * Adds the column after the title.
 *
 * @since 0.1.0
 *
 * @param array<string, string> $columns Column labels keyed by name.
 * @return array<string, string> Columns.
 */
function vip_presence_add_posts_column( $columns ) {
	$label  = __( 'Reading now', 'vip-presence' );
	$result = array();
	foreach ( $columns as $name => $title ) {
		$result[ $name ] = $title;
		if ( 'title' === $name ) {
			$result['vip_presence'] = $label;
		}
	}
	if ( ! isset( $result['vip_presence'] ) ) {
		$result['vip_presence'] = $label;
	}
	return $result;
}

/**
 * Returns the markup of a cell (filled in live by build/admin-column.js; empty without JavaScript).
 *
 * @since 0.1.0
 *
 * @param int $post_id Post id.
 * @return string HTML.
 */
function vip_presence_column_markup( $post_id ) {
	if ( ! vip_presence_is_post_id( $post_id ) ) {
		return '';
	}
	return '<span ' . vip_presence_html_attributes(
		array(
			'class'                     => 'vip-presence-column',
			'data-vip-presence-post-id' => (string) $post_id,
		)
	) . '></span>';
}

/**
 * Prints a cell of the column.
 *
 * @since 0.1.0
 *
 * @param string $column  Column name.
 * @param int    $post_id Post id.
 */
function vip_presence_render_posts_column( $column, $post_id ) {
	if ( 'vip_presence' === $column ) {
		echo vip_presence_column_markup( (int) $post_id ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- attributes are escaped in vip_presence_html_attributes().
	}
}

/**
 * Enqueues the column script with the client settings (no tokens: the page only watches).
 *
 * @since 0.1.0
 */
function vip_presence_enqueue_admin_column() {
	if ( ! wp_script_is( 'vip-presence-admin-column', 'registered' ) ) {
		return;
	}
	wp_enqueue_script( 'vip-presence-admin-column' );
	wp_add_inline_script(
		'vip-presence-admin-column',
		vip_presence_client_settings_script( vip_presence_get_client_settings( array() ) ),
		'before'
	);
	wp_register_style( 'vip-presence-admin-column', false, array(), VIP_PRESENCE_VERSION );
	wp_enqueue_style( 'vip-presence-admin-column' );
	wp_add_inline_style( 'vip-presence-admin-column', '.fixed .column-vip_presence{width:7em}' );
}

/**
 * Sets the column up on the posts list of a chosen post type (load-edit.php).
 *
 * @since 0.1.0
 */
function vip_presence_setup_posts_column() {
	$screen = get_current_screen();
	if ( ! vip_presence_is_configured() || ! $screen || ! in_array( $screen->post_type, vip_presence_get_column_post_types(), true ) ) {
		return;
	}
	add_filter( "manage_{$screen->post_type}_posts_columns", 'vip_presence_add_posts_column' );
	add_action( "manage_{$screen->post_type}_posts_custom_column", 'vip_presence_render_posts_column', 10, 2 );
	add_action( 'admin_enqueue_scripts', 'vip_presence_enqueue_admin_column' );
}
add_action( 'load-edit.php', 'vip_presence_setup_posts_column' );
