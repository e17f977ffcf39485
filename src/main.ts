import { mount } from 'svelte';
import App from './components/App.svelte';
import { Isolation } from './components/isolation.svelte';
import './styles.css';

// A page the service worker could make cross-origin isolated reloads before anything starts (src/isolation.ts).
const isolation = new Isolation();
if (!isolation.start()) mount(App, { target: document.getElementById('app')!, props: { isolation } });
