<?php
/**
 * Page template (e2e): a minimal classic page that shows the live viewers widget through the
 * template tag vip_presence_widget(), the way a theme developer would, and nothing else of the
 * post (no the_content, so auto-insert cannot be what renders it).
 *
 * @package vip-presence-e2e-helpers
 */

defined( 'ABSPATH' ) || exit;
?><!DOCTYPE html>
<html <?php language_attributes(); ?>>
<head>
<meta charset="<?php bloginfo( 'charset' ); ?>" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<?php wp_head(); ?>
</head>
<body <?php body_class( 'vip-presence-e2e-template-tag' ); ?>>
<?php wp_body_open(); ?>
<main>
<?php
while ( have_posts() ) :
	the_post();
	?>
	<h1><?php the_title(); ?></h1>
	<?php vip_presence_widget(); ?>
<?php endwhile; ?>
</main>
<?php wp_footer(); ?>
</body>
</html>
