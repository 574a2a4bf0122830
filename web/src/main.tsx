import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import './styles/base.css';
import './styles/components.css';
import './styles/table.css';
import './styles/data-grid.css';
import './styles/notebooks.css';
import './styles/pages.css';
import './styles/utilities.css';
import './styles/responsive.css';
import './styles/actions.css';
import './styles/collab.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
